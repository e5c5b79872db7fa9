import Foundation
import RampartEngine
import Testing

/// The resource library on web2 (Fixtures/library/playbooks/library.yml): systemd units with a timer, a
/// drop-in whose daemon-reload comes before cron's restart, a mask, line and block edits of
/// Debian's own files, and an edit of a file sysstat ships, made at apply time in the same run.
/// Applied, re-planned to nothing in one exec, drifted by hand and fixed, then taken back
/// (library-undone.yml) — and MariaDB's UMASK drop-in of the site checked on db2. Downloads come
/// from the control node's bridge address, served by Debian's busybox httpd.
enum ResourceLibraryLabChecks {
    static let library = "Tests/RampartLabTests/Fixtures/library/playbooks/library.yml"
    static let undone = "Tests/RampartLabTests/Fixtures/library/playbooks/library-undone.yml"
    static let downloads = "Tests/RampartLabTests/Fixtures/library/downloads"
    /// The playbook's URLs name this address and port; the tarball's SHA-256 is pinned there too.
    static let server = "10.231.77.1:8079"
    static let tarballSHA256 = "7dc2ddba68a2849ce63fcccf3ca04b737442aa212a1be12f32025adfc65f2c0f"

    static func run() throws {
        let httpd = Process()
        httpd.executableURL = URL(fileURLWithPath: "/usr/bin/busybox")
        httpd.arguments = ["httpd", "-f", "-p", server, "-h", packageRoot.appendingPathComponent(downloads).path]
        try httpd.run()
        // SIGKILL: the test process blocks SIGTERM, and its children inherit the mask.
        defer { kill(httpd.processIdentifier, SIGKILL); httpd.waitUntilExit() }
        // The control node's fetch is proven by its cache entry appearing.
        let cached = DownloadCache.defaultDirectory + "/" + tarballSHA256
        try? FileManager.default.removeItem(atPath: cached)

        var applied = Scenario("resource library applied")
        let apply = try rampart(["apply", "-i", labInventory, library, "--yes", "--limit", "web2"])
        applied.expect(apply.status == 0, "apply:\n\(apply.stdout)\n\(apply.stderr)")
        applied.expect(apply.stdout.components(separatedBy: "daemon-reload").count - 1 == 2 && apply.stdout.contains("daemon-reload (fstab changed)"),
                       "one daemon-reload for the units, one after fstab changed:\n\(apply.stdout)")
        applied.expect(apply.stdout.contains("cannot see its kernel's modules"), "the container note for the kernel module:\n\(apply.stdout)")
        applied.expect(FileManager.default.fileExists(atPath: cached), "the control node's download cache lacks \(cached)")
        applied.expect(apply.stdout.components(separatedBy: "apt-get update (package sources changed)").count - 1 == 1, "one apt-get update:\n\(apply.stdout)")
        let state = try EngineLabChecks.exec("web2", """
        systemctl show cron -p Environment; systemctl is-enabled rampart-lab-never.service; systemctl is-active rampart-lab-stamp.timer
        systemctl show cron rampart-lab-stamp.timer -p NeedDaemonReload --value | sort -u
        grep -E '^(PASS_MAX_DAYS|ENCRYPT_METHOD)' /etc/login.defs; grep -c 'nofile 65535' /etc/security/limits.conf
        tail -1 /etc/security/limits.conf; grep '^ENABLED=' /etc/default/sysstat
        ls /etc/rampart-lab-*.conf
        apt-cache policy | grep -A1 'bookworm-backports/main amd64 Packages' | head -2
        cat /etc/cron.d/rampart-rampart-lab /etc/security/limits.d/rampart-rampart-lab.conf; date +%Z; cat /etc/timezone
        sed -n '/^\\[Journal\\]/,$p' /etc/systemd/journald.conf | grep -x 'SystemMaxUse=100M'
        update-alternatives --query pager | grep '^Value:'; locale -a | grep -E '^(de_DE|en_US)'; cat /etc/default/locale
        findmnt -rn -o FSTYPE,OPTIONS /srv/rampart-lab-scratch; grep rampart-lab-scratch /etc/fstab
        cat /etc/modules-load.d/rampart-rampart_lab_dummy.conf /etc/modprobe.d/rampart-rampart_lab_dummy.conf
        /opt/rampart-lab-tool/bin/rampart-lab-tool; stat -c '%n %U %a' /opt/rampart-lab-tool/bin/rampart-lab-tool /var/cache/rampart-lab/by-control-node.tar.gz
        sha256sum /var/cache/rampart-lab/*.tar.gz
        cd /srv/rampart-lab-keys && stat -c '%n %U:%G %a' id_ed25519 id_ed25519.pub id_ecdsa id_ecdsa.pub && ssh-keygen -lf id_ecdsa.pub | cut -d' ' -f1,4 && cut -d' ' -f3 id_ed25519.pub
        """)
        for expected in ["Environment=RAMPART_LAB=1", "masked", "active", "PASS_MAX_DAYS\t90", "ENCRYPT_METHOD YESCRYPT\n", "2\n# End of file", "ENABLED=\"true\"", "/etc/rampart-lab-when.conf", " 200 http://deb.debian.org/debian bookworm-backports/main amd64 Packages", "n=bookworm-backports", "*/5 * * * * root /bin/true", "@adm soft nproc 4096", "Europe/Paris\n", "\nSystemMaxUse=100M", "Value: /bin/more", "de_DE.utf8\nen_US.utf8", "LANG=en_US.UTF-8",
                         "tmpfs rw,", "size=8192k", "tmpfs /srv/rampart-lab-scratch tmpfs size=8m,mode=1777,nodev,nosuid 0 0",
                         "\nrampart_lab_dummy\n", "options rampart_lab_dummy numdummies=2", "rampart-lab-tool 1.0",
                         "/opt/rampart-lab-tool/bin/rampart-lab-tool root 755", "/var/cache/rampart-lab/by-control-node.tar.gz root 600",
                         "\(tarballSHA256)  /var/cache/rampart-lab/by-control-node.tar.gz", "\(tarballSHA256)  /var/cache/rampart-lab/rampart-lab-tool-1.0.tar.gz",
                         "id_ed25519 root:root 600\nid_ed25519.pub root:root 644\nid_ecdsa root:adm 640\nid_ecdsa.pub root:adm 644\n384 (ECDSA)\nrampart-lab@web2\n"] {
            applied.expect(state.contains(expected), "web2 lacks '\(expected)':\n\(state)")
        }
        applied.expect(!state.contains("yes"), "a unit still needs a daemon-reload:\n\(state)")
        applied.expect(!state.contains("rampart-lab-ubuntu"), "a resource whose condition is false was applied:\n\(state)")
        // Edit markers: the edited files' content is not fetched again while they hold.
        let markers = try EngineLabChecks.exec("web2", "cd /var/lib/rampart/edits && find . -type f | sort && cat etc/login.defs")
        applied.expect(markers.contains("./etc/login.defs\n") && markers.contains("./etc/fstab\n") && markers.contains("./etc/systemd/journald.conf\n")
                       && markers.range(of: "\n[0-9a-f]{64} [0-9a-f]{64}\n$", options: .regularExpression) != nil, "edit markers on web2:\n\(markers)")
        let noop = try rampart(["plan", "-i", labInventory, library, "--limit", "web2", "--detailed-exitcode", "--stats"])
        applied.expect(noop.status == 0, "re-plan not empty:\n\(noop.stdout)")
        applied.expect(noop.stderr.contains("execs=1"), "the converged plan costs one exec: \(noop.stderr)")
        let umask = try EngineLabChecks.exec("db2", "stat -c '%a' /var/lib/mysql/master.info; systemctl show mariadb -p Environment -p NeedDaemonReload")
        applied.expect(umask.hasPrefix("640\n") && umask.contains("UMASK=0640") && umask.contains("NeedDaemonReload=no"), "db2: \(umask)")
        applied.finish("web2: 2 units + timer, drop-in (cron restarted after 1 daemon-reload), mask, 3 line edits (1 at apply time), block, `when:` on facts, backports source + key (pinned) + pin with 1 apt-get update, ini, cron, pam_limits, timezone, alternatives, 2 locales + LANG, a tmpfs in fstab and mounted (its own daemon-reload), a kernel module's files, a tarball downloaded by the host (curl) and by the control node (cached), unpacked (strip 1, root-owned), an ed25519 and an ECDSA 384 key pair made on the host; re-plan empty, 1 exec; db2 master.info 0640")

        var drift = Scenario("resource library drift fixed")
        _ = try EngineLabChecks.exec("web2", """
        sed -i 's/RAMPART_LAB=1/RAMPART_LAB=0/' /etc/systemd/system/cron.service.d/rampart-lab.conf
        rm /etc/systemd/system/rampart-lab-never.service
        sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\t99999/; /^ENCRYPT_METHOD YESCRYPT$/d' /etc/login.defs
        sed -i 's/^\\*    hard nofile 65535$/*    hard nofile 1024/' /etc/security/limits.conf
        rm /etc/apt/sources.list.d/rampart-lab-backports.sources
        ln -sfn /usr/share/zoneinfo/Asia/Tokyo /etc/localtime
        umount /srv/rampart-lab-scratch; sed -i 's/size=8m,mode=1777/size=4m,mode=1777/' /etc/fstab
        rm /etc/modules-load.d/rampart-rampart_lab_dummy.conf /opt/rampart-lab-tool/bin/rampart-lab-tool
        echo tampered >> /var/cache/rampart-lab/by-control-node.tar.gz
        cd /srv/rampart-lab-keys && ssh-keygen -lf id_ed25519.pub | cut -d' ' -f2 > /tmp/rampart-lab-fingerprint && rm id_ed25519.pub \
          && rm id_ecdsa id_ecdsa.pub && ssh-keygen -q -t ecdsa -b 256 -N '' -f id_ecdsa </dev/null
        echo ok
        """)
        let planned = try rampart(["plan", "-i", labInventory, library, "--limit", "web2", "--detailed-exitcode"])
        for expected in ["systemd_unit:cron.service.d/rampart-lab.conf", "daemon-reload (a unit file changed on disk", "mask (link to /dev/null)",
                         "replace line", "insert at line", "update the block", "apt-get update (package sources changed)", "target /usr/share/zoneinfo/Asia/Tokyo → /usr/share/zoneinfo/Europe/Paris", "-*    hard nofile 1024", "+*    hard nofile 65535", "restart",
                         "update the fstab entry of /srv/rampart-lab-scratch", "+tmpfs /srv/rampart-lab-scratch tmpfs size=8m,mode=1777,nodev,nosuid 0 0",
                         "mount tmpfs (tmpfs)", "kernel_module:rampart_lab_dummy", "download again (the file's hash differs)",
                         "unpack /var/cache/rampart-lab/rampart-lab-tool-1.0.tar.gz (/opt/rampart-lab-tool/bin/rampart-lab-tool is missing)",
                         "public key /srv/rampart-lab-keys/id_ed25519.pub (missing) derived again from the private key",
                         "ecdsa 256 → ecdsa 384: a new key pair"] {
            drift.expect(planned.stdout.contains(expected), "the drift plan lacks '\(expected)':\n\(planned.stdout)")
        }
        drift.expect(planned.status == 2, "plan exit \(planned.status)")
        let fix = try rampart(["apply", "-i", labInventory, library, "--yes", "--limit", "web2"])
        drift.expect(fix.status == 0, "fix:\n\(fix.stdout)\n\(fix.stderr)")
        drift.expect(try rampart(["plan", "-i", labInventory, library, "--limit", "web2", "--detailed-exitcode"]).status == 0, "not converged after the fix")
        let fixed = try EngineLabChecks.exec("web2", """
        systemctl show cron -p Environment; systemctl is-enabled rampart-lab-never.service; grep -c 'nofile 65535' /etc/security/limits.conf
        findmnt -rn -o OPTIONS /srv/rampart-lab-scratch; /opt/rampart-lab-tool/bin/rampart-lab-tool; sha256sum < /var/cache/rampart-lab/by-control-node.tar.gz
        cd /srv/rampart-lab-keys && [ "$(ssh-keygen -lf id_ed25519.pub | cut -d' ' -f2)" = "$(cat /tmp/rampart-lab-fingerprint)" ] && echo same-ed25519
        ssh-keygen -lf id_ecdsa.pub | cut -d' ' -f1; ls /var/lib/rampart/backup/srv/rampart-lab-keys; rm -f /tmp/rampart-lab-fingerprint
        """)
        drift.expect(fixed.contains("RAMPART_LAB=1") && fixed.contains("masked") && fixed.contains("2\n") && fixed.contains("size=8192k")
                     && fixed.contains("rampart-lab-tool 1.0") && fixed.contains(tarballSHA256)
                     && fixed.contains("same-ed25519\n384\nid_ecdsa\nid_ecdsa.pub\n"), "web2 after the fix: \(fixed)")
        drift.finish("drop-in, mask, 2 line edits, the block, fstab + an unmount, a module's file, a download, an unpacked file, a lost public key (derived again, same key) and a key pair of another size (made again, the old one backed up) drifted by hand: planned with diffs, fixed, re-plan empty")

        var undo = Scenario("resource library taken back")
        let back = try rampart(["apply", "-i", labInventory, undone, "--yes", "--limit", "web2"])
        undo.expect(back.status == 0, "undo:\n\(back.stdout)\n\(back.stderr)")
        undo.expect(try rampart(["plan", "-i", labInventory, undone, "--limit", "web2", "--detailed-exitcode"]).status == 0, "not converged after undo")
        let gone = try EngineLabChecks.exec("web2", """
        ls /etc/systemd/system /etc | grep -c rampart-lab; ls /etc/systemd/system/cron.service.d 2>/dev/null | wc -l
        systemctl show cron -p Environment; systemctl is-active rampart-lab-stamp.timer
        grep -c -E 'ENCRYPT_METHOD YESCRYPT|RAMPART MANAGED' /etc/login.defs /etc/security/limits.conf; ls /etc/apt/sources.list.d /etc/apt/keyrings /etc/apt/preferences.d | grep -c rampart-lab; dpkg-query -W -f='${db:Status-Abbrev}' sysstat; echo
        ls /etc/cron.d /etc/security/limits.d | grep -c rampart-; readlink /etc/localtime; grep -c '^SystemMaxUse' /etc/systemd/journald.conf
        update-alternatives --query pager | sed -n 's/^Value: //p'; cat /etc/default/locale; true
        """)
        let lines = gone.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        undo.expect(lines.count >= 8 && lines[0] == "0" && lines[1] == "0" && lines[2] == "Environment=" && lines[3] != "active"
                    && lines[4].hasSuffix(":0") && lines[5].hasSuffix(":0") && lines[6] == "0" && !lines[7].hasPrefix("ii")
                    && lines.count >= 11 && lines[8] == "0" && lines[9] == "/usr/share/zoneinfo/Etc/UTC" && lines[10] == "0"
                    && lines.count >= 13 && lines[11] == "/usr/bin/less" && lines.contains("LANG=C.UTF-8"), "web2 after undo:\n\(gone)")
        let unmounted = try EngineLabChecks.exec("web2", """
        grep -c rampart-lab-scratch /etc/fstab; [ -e /srv/rampart-lab-scratch ] && echo there || echo gone
        ls /etc/modules-load.d /etc/modprobe.d | grep -c rampart-; ls /var/cache/rampart-lab | wc -l; [ -e /opt/rampart-lab-tool ] && echo tool || echo none
        [ -e /srv/rampart-lab-keys ] && echo keys || echo no-keys
        true
        """)
        undo.expect(unmounted == "0\ngone\n0\n0\nnone\nno-keys\n", "web2 after undo (fstab, mount point, module files, downloads, unpacked tool):\n\(unmounted)")
        undo.finish("units pruned, drop-in and mask absent (cron restarted without it), edits undone, source and pin removed, ini key removed, cron job and limit pruned, time zone back to UTC, pager back to less, LANG C.UTF-8, sysstat removed, the mount out of fstab and unmounted, the module's files, the downloads, the unpacked tool and the key pairs gone")
    }
}
