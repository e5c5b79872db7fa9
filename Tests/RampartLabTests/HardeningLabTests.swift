import Foundation
import Testing

/// The operating system hardened on mon1 (playbooks/hardening.yml, roles/os_hardening.yml: a
/// sysctl map, module blacklist, login.defs, every system account's shell from the host's own
/// accounts, /dev/shm's options, cron's files, an empty opasswd — no command), applied over the
/// site, re-planned to nothing in one exec, drifted by hand and fixed. And the site's facts in
/// templates: every host's motd names its own machine as its facts gathered it.
enum HardeningLabChecks {
    static let playbook = "playbooks/hardening.yml"

    static func run() throws {
        var applied = Scenario("OS hardening applied")
        let apply = try rampart(["apply", "-i", labInventory, playbook, "--yes"])
        applied.expect(apply.status == 0, "apply:\n\(apply.stdout)\n\(apply.stderr)")
        let state = try EngineLabChecks.exec("mon1", """
        grep -E '^(PASS_MAX_DAYS|PASS_MIN_DAYS|UMASK)' /etc/login.defs
        findmnt -rn -o OPTIONS /dev/shm; grep ' /dev/shm ' /etc/fstab; findmnt -rn -o OPTIONS /tmp; grep ' /tmp ' /etc/fstab
        stat -c '%n %a' /etc/cron* /etc/security/opasswd
        sysctl -n net.ipv4.conf.all.send_redirects net.ipv4.conf.all.log_martians; cat /etc/sysctl.d/*rampart-net.ipv4.tcp_syncookies.conf
        cat /etc/modprobe.d/rampart-usb_storage.conf /etc/modprobe.d/rampart-cramfs.conf
        getent passwd | awk -F: '$3 > 0 && $3 < 1000 && $7 != "/usr/sbin/nologin" { print "LOGIN", $1, $7 }'
        for u in $(getent passwd | awk -F: '$3 > 0 && $3 < 1000 && $1 != "sync" { print $1 }'); do getent shadow "$u" | cut -d: -f2 | grep -q '^!' || echo "UNLOCKED $u"; done
        echo "OPS $(getent shadow ops | cut -d: -f4-6)"
        """)
        for expected in ["PASS_MAX_DAYS\t60", "PASS_MIN_DAYS\t7", "UMASK\t\t027", "nosuid,nodev,noexec", "tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec",
                         "tmpfs /tmp tmpfs rw,nosuid,nodev 0 0",
                         "/etc/crontab 600", "/etc/cron.d 700", "/etc/cron.weekly 700", "/etc/cron.yearly 700", "/etc/security/opasswd 600", "0\n1\n",
                         "net.ipv4.tcp_syncookies = 1", "blacklist usb_storage", "install cramfs /bin/false"] {
            applied.expect(state.contains(expected), "mon1 lacks '\(expected)':\n\(state)")
        }
        applied.expect(state.components(separatedBy: "LOGIN ").count - 1 == 1 && state.contains("LOGIN sync /bin/sync"),
                       "only sync keeps a login shell below UID 1000:\n\(state)")
        applied.expect(!state.contains("UNLOCKED"), "every system account's password is locked:\n\(state)")
        // Every cron file and folder the host has (facts.glob['/etc/cron*']), none left out.
        let cron = state.split(separator: "\n").filter { $0.hasPrefix("/etc/cron") }
        applied.expect(cron.count >= 7 && cron.allSatisfy { $0.hasSuffix(" 600") || $0.hasSuffix(" 700") }, "cron's files and folders:\n\(cron.joined(separator: "\n"))")
        applied.expect(state.contains("OPS 7:60:7\n"), "ops ages as login.defs says (min 7, max 60, warn 7):\n\(state)")
        let noop = try rampart(["plan", "-i", labInventory, playbook, "--detailed-exitcode", "--stats"])
        applied.expect(noop.status == 0, "re-plan not empty:\n\(noop.stdout)")
        applied.expect(noop.stderr.contains("mon1 resources=") && noop.stderr.contains("execs=1"), "one exec for the converged host: \(noop.stderr)")
        let count = noop.stderr.split(separator: " ").first { $0.hasPrefix("resources=") }?.dropFirst("resources=".count) ?? "?"
        applied.finish("mon1: \(count) resources — 13 sysctls from a map, 9 modules disabled, 3 login.defs lines, each system account's shell and lock (a loop over facts.users), ops's password ageing, /dev/shm noexec and /tmp nosuid,nodev (a loop over facts.mounts and a map), cron's \(cron.count) files and folders 0600/0700 (a loop over facts.glob['/etc/cron*']), opasswd touched; re-plan empty, 1 exec")

        var drift = Scenario("OS hardening drift fixed")
        _ = try EngineLabChecks.exec("mon1", """
        usermod -s /bin/bash games; usermod -U games; chage -M 99999 ops; chmod 0644 /etc/crontab; sysctl -qw net.ipv4.conf.all.send_redirects=1
        chmod 0755 /etc/cron.yearly; install -m 0644 /dev/null /etc/cron.deny
        sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\t99999/' /etc/login.defs
        """)
        let drifted = try rampart(["plan", "-i", labInventory, playbook, "--detailed-exitcode"])
        for expected in ["user:games", "shell /bin/bash → /usr/sbin/nologin", "lock the password", "user:ops", "password ageing: max 99999 → 60",
                         "file:/etc/crontab", "mode 0644 → 0600", "directory:/etc/cron.yearly", "mode 0755 → 0700", "file:/etc/cron.deny",
                         "sysctl:net.ipv4.conf.all.send_redirects", "line:password max age"] {
            drift.expect(drifted.stdout.contains(expected), "the drift plan lacks '\(expected)':\n\(drifted.stdout)")
        }
        drift.expect(drifted.status == 2, "plan --detailed-exitcode: \(drifted.status)")
        drift.expect(try rampart(["apply", "-i", labInventory, playbook, "--yes"]).status == 0, "apply after drift failed")
        let fixed = try rampart(["plan", "-i", labInventory, playbook, "--detailed-exitcode"])
        drift.expect(fixed.status == 0, "not converged after the fix:\n\(fixed.stdout)")
        // A file the glob found, gone again: nothing to do (no error, nothing recreated).
        let denied = try EngineLabChecks.exec("mon1", "stat -c %a /etc/cron.deny; rm /etc/cron.deny")
        drift.expect(denied == "600\n", "cron.deny made by hand was not hardened: \(denied)")
        let vanished = try rampart(["plan", "-i", labInventory, playbook, "--detailed-exitcode"])
        drift.expect(vanished.status == 0, "a glob's match removed by hand left a plan:\n\(vanished.stdout)")
        drift.finish("a login shell, a password lock, an account's ageing, a mode, a sysctl, a login.defs line, a cron folder's mode and a cron file made by hand (found by the glob): planned and fixed; the file removed again: re-plan empty")

        // Facts in the site's templates: each host's motd names its machine as gathered there.
        var motd = Scenario("site templates read the facts")
        let outputs = try EngineLabChecks.execAll(labInventory, ". /etc/os-release; echo \"$ID $VERSION_ID ($VERSION_CODENAME), $(dpkg --print-architecture), $(nproc) CPUs\"; grep '^  system ' /etc/motd")
        motd.expect(outputs.count == 6, "all six answer: \(outputs.keys.sorted())")
        for (host, output) in outputs.sorted(by: { $0.key < $1.key }) {
            let lines = output.split(separator: "\n").map(String.init)
            motd.expect(lines.count == 2 && lines[1].hasPrefix("  system   " + lines[0] + ", "), "\(host): the motd's system line is not the host's own:\n\(output)")
        }
        motd.finish("six motds name their own OS, architecture and CPUs (facts gathered in the one facts exec)")
    }
}
