import Foundation
import Testing

/// The firewalls of the reference deployment, after the site is applied: a scan from an address
/// on the lab bridge that is not the admin node finds only 80 and 443 on lb1; a ruleset that
/// would cut SSH fails its confirmation and the host restores the previous one by itself.
enum FirewallLabChecks {
    static let scanner = "10.231.77.250"
    static let hosts = ["lb1": "10.231.77.10", "web1": "10.231.77.11", "web2": "10.231.77.12",
                        "db1": "10.231.77.21", "db2": "10.231.77.22", "mon1": "10.231.77.30"]
    static let ports = [22, 80, 443, 3306, 8080, 8405, 9090, 9100, 9104, 9113]

    /// Runs `body` with a network namespace `rampart-scan` plugged into the lab's bridge at
    /// `scanner` (an address that is not the admin node).
    static func asOutsider<T>(_ body: () throws -> T) throws -> T {
        let sh = SiteLabChecks.shell
        _ = try sh("""
        ip netns del rampart-scan 2>/dev/null; ip link del rs-host 2>/dev/null
        ip netns add rampart-scan && ip link add rs-host type veth peer name rs-ns && ip link set rs-ns netns rampart-scan \
        && ip link set rs-host master rampart0 up && ip netns exec rampart-scan ip addr add \(scanner)/24 dev rs-ns \
        && ip netns exec rampart-scan ip link set rs-ns up && ip netns exec rampart-scan ip link set lo up
        """)
        defer { _ = try? sh("ip netns del rampart-scan; ip link del rs-host 2>/dev/null") }
        return try body()
    }

    /// TCP connects from the outsider's namespace to every host and port; `host:port` of the open ones.
    static func scanFromOutsider() throws -> Set<String> {
        let targets = hosts.sorted { $0.key < $1.key }.flatMap { name, address in ports.map { "('\(name)', '\(address)', \($0))" } }
        let script = """
        import socket, concurrent.futures
        def probe(t):
            s = socket.socket(); s.settimeout(1.5)
            try:
                s.connect((t[1], t[2])); return '%s:%d' % (t[0], t[2])
            except Exception:
                return None
            finally:
                s.close()
        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            for r in pool.map(probe, [\(targets.joined(separator: ", "))]):
                if r: print(r)
        """
        let result = try asOutsider { try SiteLabChecks.shell("ip netns exec rampart-scan python3 -c \"$(echo \(Data(script.utf8).base64EncodedString()) | base64 -d)\"") }
        return Set(result.output.split(separator: "\n").map(String.init))
    }

    static func run() throws {
        // What an outsider on the same network sees.
        let open = try scanFromOutsider()
        #expect(open == ["lb1:80", "lb1:443"], "an outsider should reach only lb1's 80 and 443, found: \(open.sorted())")
        // The admin node still reaches every host over SSH.
        let exec = try rampart(["exec", "-i", labInventory, "--", "true"])
        #expect(exec.status == 0, "\(exec.stdout)\(exec.stderr)")

        // A ruleset that cuts SSH: the confirmation fails, the host reverts within its 15 s.
        let before = try EngineLabChecks.exec("web2", "sha256sum < /etc/nftables.conf")
        let started = Date()
        let cut = try rampart(["apply", "-i", labInventory, "Tests/RampartLabTests/Fixtures/firewall/playbooks/lockout.yml", "--yes"])
        #expect(cut.status == 1 && (cut.stdout + cut.stderr).contains("lock Rampart out"), "\(cut.stdout)\n\(cut.stderr)")
        var back: Double?
        for _ in 0..<90 {
            let probe = try rampart(["exec", "-i", labInventory, "--limit", "web2", "--", "true"])
            if probe.status == 0 { back = Date().timeIntervalSince(started); break }
            Thread.sleep(forTimeInterval: 1)
        }
        var lockout = Scenario("5 firewall change cutting SSH")
        lockout.expect(cut.status == 1 && (cut.stdout + cut.stderr).contains("lock Rampart out"), "the apply should fail at confirmation")
        lockout.expect(back != nil && back! < 15 + 20, "web2 did not come back: \(String(describing: back))")
        lockout.expect(try EngineLabChecks.exec("web2", "sha256sum < /etc/nftables.conf") == before, "the cut ruleset must not be persisted")
        lockout.expect(try EngineLabChecks.exec("web2", "test -e /etc/nftables.conf.rampart-new && echo left || echo clean") == "clean\n", "candidate left")
        lockout.finish(String(format: "reverted by the host %.1f s after the apply started (confirm_within 15; default 60)", back ?? -1))
        let converged = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--detailed-exitcode"])
        #expect(converged.status == 0, "the site should still be converged:\n\(converged.stdout)")
    }
}
