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
        for expected in ["SSLv2 not offered (OK)", "SSLv3 not offered (OK)", "TLS 1 not offered", "TLS 1.1 not offered",
                         "TLS 1.2 offered (OK)", "TLS 1.3 offered (OK): final", "Obsolete CBC ciphers (AES, ARIA etc.) not offered",
                         "Strong encryption (AEAD ciphers) offered (OK)", "Chain of trust Ok", "Strict Transport Security 730 days=63072000 s, just this domain"] {
            #expect(lines.contains(expected), "testssl: no line '\(expected)':\n\(tls.output)")
        }
        // SSH: no failure from ssh-audit on any host (its warnings: the plain SHA-2 MACs libssh2
        // 1.10 needs, and Debian's Terrapin marker it does not know).
        for (host, address) in FirewallLabChecks.hosts.sorted(by: { $0.key < $1.key }) {
            let audit = try sh("timeout 60 ssh-audit -n \(address) 2>&1")
            let failures = audit.output.split(whereSeparator: \.isNewline).filter { $0.contains("[fail]") }
            #expect(failures.isEmpty && audit.output.contains("(kex) curve25519-sha256"), "ssh-audit \(host): \(failures)\n\(audit.output)")
            let warnings = audit.output.split(whereSeparator: \.isNewline).filter { $0.contains("[warn]") }.map { $0.trimmingCharacters(in: .whitespaces) }
            print("ssh-audit \(host): 0 failures, \(warnings.count) warnings: \(warnings.joined(separator: "; "))")
        }
        // nmap from an outsider on the bridge: only lb1's 80 and 443.
        let addresses = FirewallLabChecks.hosts.values.sorted().joined(separator: " ")
        let scan = try FirewallLabChecks.asOutsider {
            try sh("ip netns exec rampart-scan nmap -Pn -n -T4 --max-retries 1 -p T:1-1024,3306,8080,8405,9090,9100,9104,9113 -oG - \(addresses) 2>&1")
        }
        let open = scan.output.split(whereSeparator: \.isNewline).filter { $0.contains("Ports:") }.flatMap { line -> [String] in
            let host = line.split(separator: " ")[1]
            return line.components(separatedBy: "Ports: ").last!.components(separatedBy: ", ")
                .filter { $0.contains("/open/") }.map { "\(host):\($0.split(separator: "/")[0])" }
        }
        #expect(Set(open) == ["10.231.77.10:80", "10.231.77.10:443"], "nmap from the outsider: \(open)\n\(scan.output)")
        print("nmap from 10.231.77.250: open \(open.sorted())")
    }
}
