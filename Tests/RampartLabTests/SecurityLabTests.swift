import Foundation
import Testing

/// The site checked with other people's tools (Debian's packages, installed by
/// scripts/install-deps): testssl.sh on the load balancer, ssh-audit on every sshd, nmap from an
/// address on the lab bridge that is not the admin node.
enum SecurityLabChecks {
    static func run() throws {
        let sh = SiteLabChecks.shell
        // TLS: only 1.2 and 1.3, AEAD ciphers only, the chain valid against the internal CA, HSTS 2 years.
        let tls = try sh("timeout 300 testssl --quiet --color 0 --ip \(SiteLabChecks.lb) --add-ca \(packageRoot.path)/inventories/.rampart/ca-lab/ca.crt -p -s -S -h https://www.foobar.com/ 2>&1")
        let lines = tls.output.split(whereSeparator: \.isNewline).map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        var testssl = Scenario("testssl.sh on lb1")
        for expected in ["SSLv2 not offered (OK)", "SSLv3 not offered (OK)", "TLS 1 not offered", "TLS 1.1 not offered",
                         "TLS 1.2 offered (OK)", "TLS 1.3 offered (OK): final", "Obsolete CBC ciphers (AES, ARIA etc.) not offered",
                         "Strong encryption (AEAD ciphers) offered (OK)", "Chain of trust Ok", "Strict Transport Security 730 days=63072000 s, just this domain"] {
            testssl.expect(lines.contains(expected), "testssl: no line '\(expected)':\n\(tls.output)")
        }
        testssl.finish("TLS 1.2 + 1.3 only, AEAD ciphers only, chain OK against the CA, HSTS 730 days")
        var sshAudit = Scenario("ssh-audit on every host")
        var warningCount = 0
        // SSH: no failure from ssh-audit on any host (its warnings: the plain SHA-2 MACs libssh2
        // 1.10 needs, and Debian's Terrapin marker it does not know).
        for (host, address) in FirewallLabChecks.hosts.sorted(by: { $0.key < $1.key }) {
            let audit = try sh("timeout 60 ssh-audit -n \(address) 2>&1")
            let failures = audit.output.split(whereSeparator: \.isNewline).filter { $0.contains("[fail]") }
            sshAudit.expect(failures.isEmpty && audit.output.contains("(kex) curve25519-sha256"), "ssh-audit \(host): \(failures)\n\(audit.output)")
            let warnings = audit.output.split(whereSeparator: \.isNewline).filter { $0.contains("[warn]") }.map { $0.trimmingCharacters(in: .whitespaces) }
            warningCount = max(warningCount, warnings.count)
            print("ssh-audit \(host): 0 failures, \(warnings.count) warnings: \(warnings.joined(separator: "; "))")
        }
        sshAudit.finish("6 hosts: 0 failures, \(warningCount) warnings each (non-etm SHA-2 MACs libssh2 1.10 needs; Terrapin marker)")
        // nmap from an outsider on the bridge: only lb1's 80 and 443.
        var nmap = Scenario("nmap from an outsider on the bridge")
        let addresses = FirewallLabChecks.hosts.values.sorted().joined(separator: " ")
        let scan = try FirewallLabChecks.asOutsider {
            try sh("ip netns exec rampart-scan nmap -Pn -n -T4 --max-retries 1 -p T:1-1024,3306,8080,8405,9090,9100,9104,9113 -oG - \(addresses) 2>&1")
        }
        let open = scan.output.split(whereSeparator: \.isNewline).filter { $0.contains("Ports:") }.flatMap { line -> [String] in
            let host = line.split(separator: " ")[1]
            return line.components(separatedBy: "Ports: ").last!.components(separatedBy: ", ")
                .filter { $0.contains("/open/") }.map { "\(host):\($0.split(separator: "/")[0])" }
        }
        nmap.expect(Set(open) == ["10.231.77.10:80", "10.231.77.10:443"], "nmap from the outsider: \(open)\n\(scan.output)")
        nmap.finish("1031 ports × 6 hosts from 10.231.77.250: open \(open.sorted().joined(separator: " "))")
    }
}

/// After everything else ran: the vault's secrets in none of the hosts' journals, logs and
/// shell histories; the files that hold them and every private key mode 0600/0640 (or 0400/0440);
/// lynis' hardening index per host as a baseline.
enum HostSweepLabChecks {
    static func run() throws {
        var secrets = Scenario("secrets sweep")
        // The patterns travel base64-encoded, so the sweep itself plants nothing in sudo's log.
        let patterns = Data(PlantedSecrets.values.joined(separator: "\n").utf8).base64EncodedString()
        secrets.expect(PlantedSecrets.values.count >= 3, "the vault's values: \(PlantedSecrets.values.count)")
        let sweep = try EngineLabChecks.execAll(labInventory, """
        p=/run/rampart-sweep; echo \(patterns) | base64 -d > $p
        echo "journal $(journalctl --no-pager -o cat 2>/dev/null | grep -cF -f $p)"
        echo "logs $(grep -rIlF -f $p /var/log 2>/dev/null | wc -l)"
        echo "histories $(cat /root/.*_history /home/*/.*_history 2>/dev/null | grep -cF -f $p)"
        grep -rlF -f $p /etc /srv /var/www /opt /root /home /var/lib /var/tmp /tmp 2>/dev/null | grep -v "^$p$" | xargs -r stat -c 'secret %a %U:%G %n'
        grep -rlF 'PRIVATE KEY-----' /etc /var/lib /srv /root /home 2>/dev/null | xargs -r stat -c 'key %a %U:%G %n'
        rm -f $p
        """)
        secrets.expect(sweep.count == 6, "the sweep ran on \(sweep.keys.sorted())")
        var files: [String] = []
        for (host, output) in sweep.sorted(by: { $0.key < $1.key }) {
            let lines = output.split(separator: "\n").map(String.init)
            for counter in ["journal 0", "logs 0", "histories 0"] {
                secrets.expect(lines.contains(counter), "\(host): expected '\(counter)':\n\(output)")
            }
            for line in lines where line.hasPrefix("secret ") || line.hasPrefix("key ") {
                let fields = line.split(separator: " ")
                let mode = String(fields[1]), path = String(fields[3])
                // MariaDB's own copy of the replication password (master.info) too: its UMASK drop-in makes it 0640.
                let allowed = ["600", "640", "400", "440"].contains(mode)
                secrets.expect(allowed, "\(host): \(line)")
                files.append("\(host):\(path) \(mode)")
            }
        }
        print("secret files on the hosts:\n  " + files.joined(separator: "\n  "))
        let scanned = PlantedSecrets.summary
        secrets.expect(scanned.leaks.isEmpty, "leaks: \(scanned.leaks)")
        secrets.expect(PlantedSecrets.argumentsSeen > 100, "too few process arguments sampled: \(PlantedSecrets.argumentsSeen)")
        secrets.finish("\(PlantedSecrets.values.count) vault values in none of \(scanned.scanned) outputs (--json -v, plan file), "
                       + "\(PlantedSecrets.argumentsSeen) process args, 6 journals, /var/log, histories; \(files.count) secret/key files 0600/0640")

        var lynis = Scenario("lynis hardening index")
        let install = try rampart(["exec", "-i", labInventory, "--", "DEBIAN_FRONTEND=noninteractive apt-get install -y -q lynis >/dev/null"])
        lynis.expect(install.status == 0, "installing lynis: \(install.stdout) \(install.stderr)")
        let audit = try EngineLabChecks.execAll(labInventory, "lynis audit system --quick --no-colors 2>/dev/null | sed -n 's/.*Hardening index : \\([0-9]*\\).*/\\1/p'")
        let indexes = audit.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.trimmingCharacters(in: .whitespacesAndNewlines))" }
        lynis.expect(audit.count == 6 && audit.values.allSatisfy { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) != nil }, "lynis: \(audit)")
        lynis.finish("baseline: " + indexes.joined(separator: ", "))
    }
}
