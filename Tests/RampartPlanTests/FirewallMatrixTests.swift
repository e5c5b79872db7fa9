import Foundation
import Rampart
import Testing

/// The expected reachability `rampart verify` probes, derived from the compiled firewalls.
struct FirewallMatrixTests {
    @Test func networksContainAddresses() {
        #expect(FirewallMatrix.contains("10.231.77.1/32", "10.231.77.1"))
        #expect(!FirewallMatrix.contains("10.231.77.1/32", "10.231.77.2"))
        #expect(FirewallMatrix.contains("10.0.0.0/8", "10.231.77.250"))
        #expect(FirewallMatrix.contains("0.0.0.0/0", "192.0.2.1"))
        #expect(FirewallMatrix.contains("10.0.0.5", "10.0.0.5") && !FirewallMatrix.contains("10.0.0.5", "10.0.0.50"))
    }

    @Test func theSitesMatrixFollowsTheRoles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // The lab inventory, with a stand-in login key (the lab's exists only after `lab up`; the
        // ssh role authorizes its .pub for the deploy user).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-matrix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStandInKeyForTests test\n".write(to: folder.appendingPathComponent("id.pub"), atomically: true, encoding: .utf8)
        let inventory = try String(contentsOf: root.appendingPathComponent("inventories/lab.yml"), encoding: .utf8)
            .replacingOccurrences(of: "key: /var/lib/rampart-lab/id_ed25519", with: "key: \(folder.path)/id")
            .replacingOccurrences(of: "password_file: lab.vault-password", with: "password_file: \(root.path)/inventories/lab.vault-password")
        try inventory.write(to: folder.appendingPathComponent("lab.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("lab"), withDestinationURL: root.appendingPathComponent("inventories/lab"))
        let project = try Project.load(inventory: folder.appendingPathComponent("lab.yml").path,
                                       playbook: root.appendingPathComponent("playbooks/site.yml").path)
        let matrix = FirewallMatrix(catalog: try project.compile())
        func open(from source: String, skipping: String? = nil) -> Set<String> {
            Set(matrix.probes(from: source, skipping: skipping).filter(\.expectedOpen).map { "\($0.target):\($0.port)" })
        }
        // The admin node: SSH everywhere, the site's public ports.
        #expect(open(from: "10.231.77.1") == ["lb1:22", "web1:22", "web2:22", "db1:22", "db2:22", "mon1:22", "lb1:80", "lb1:443"])
        // An outsider on the same network: only the public ports.
        #expect(open(from: "10.231.77.250") == ["lb1:80", "lb1:443"])
        // The load balancer reaches the web servers' HTTPS; a web server reaches MySQL on both databases.
        #expect(open(from: "10.231.77.10", skipping: "lb1") == ["web1:443", "web2:443", "lb1:80", "lb1:443"].filter { !$0.hasPrefix("lb1") }.reduce(into: Set<String>()) { $0.insert($1) })
        #expect(open(from: "10.231.77.11", skipping: "web1") == ["lb1:80", "lb1:443", "db1:3306", "db2:3306"])
        // The replica reaches the primary's MySQL (and back: either may be promoted).
        #expect(open(from: "10.231.77.22", skipping: "db2") == ["lb1:80", "lb1:443", "db1:3306"])
        // The monitoring host reaches every exporter and Prometheus nothing else.
        #expect(open(from: "10.231.77.30", skipping: "mon1") == ["lb1:80", "lb1:443", "lb1:8405", "lb1:9100", "web1:9100", "web2:9100", "web1:9113",
                                                                  "web2:9113", "db1:9100", "db2:9100", "db1:9104", "db2:9104"])
    }
}
