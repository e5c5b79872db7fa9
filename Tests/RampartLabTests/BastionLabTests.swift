import Foundation
import Rampart
import RampartLab
@testable import RampartCLI
import RampartRemote
import RampartSSH
import Testing

/// Issue 18 on the lab: a data centre where the control node reaches only a bastion (lb1) and
/// every other host takes SSH only from the bastion (nftables). The site is applied, verified,
/// re-planned, re-seeded and switched over through the jump host; the bastion is then cut
/// mid-apply, and the lab is put back as it was for the checks that follow. Called from
/// `labLifecycle` on the applied site.
enum BastionLabChecks {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-bastion-lab").path
    static let bastion = "lb1"
    static let behind = ["web1", "web2", "db1", "db2", "mon1"]

    /// The lab's inventory on the way to and from a bastion-only data centre. lb1 forwards
    /// (direct-tcpip is local forwarding) in all three; no other host does.
    enum Stage: String {
        /// Direct still, but SSH is also allowed from lb1 (10.231.77.0/28 holds .1 and .10): the
        /// step an engineer takes before cutting direct access.
        case opening = "lab-bastion-opening"
        /// Through lb1; the hosts behind it take SSH from lb1 only, lb1 from the control node.
        case fenced = "lab-bastion"
        /// Through lb1 again, SSH allowed from both, so the lab can go back to direct.
        case closing = "lab-bastion-closing"
    }

    static func inventory(_ stage: Stage) throws -> String {
        try SiteLabChecks.inventoryCopy(in: folder, name: stage.rawValue) { text in
            var edited = text
            if stage != .opening {
                edited = edited.replacingOccurrences(of: "  connect_timeout: 10\n", with: """
                  connect_timeout: 10
                  # Through the bastion; lb1 itself is reached directly (a chain stops at its own host).
                  jump: [lb1]
                  keepalive_interval: 5

                """)
            }
            let network = stage == .fenced ? "10.231.77.10/32" : "10.231.77.0/28"
            let lb1Network = stage == .fenced ? ", admin_network: 10.231.77.1/32" : ""
            return edited.replacingOccurrences(of: "  admin_network: 10.231.77.1/32\n", with: "  admin_network: \(network)\n")
                .replacingOccurrences(of: "  lb1:  { address: 10.231.77.10 }",
                                      with: "  lb1:  { address: 10.231.77.10, vars: { ssh_tcp_forwarding: local\(lb1Network) } }")
        }
    }

    static func run() async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fenced = try inventory(.fenced)
        let site = SiteLabChecks.site

        var scenario = Scenario("18 site through a bastion")
        // The firewall change itself goes through the bastion, confirmed over a new connection.
        // First, directly: lb1 forwards, and the hosts take SSH from lb1 as well.
        let opening = try rampart(["apply", "-i", try inventory(.opening), site, "--yes"])
        scenario.expect(opening.status == 0, "opening for the bastion:\n\(opening.stdout)\n\(opening.stderr)")
        var started = Date()
        let fence = try rampart(["apply", "-i", fenced, site, "--yes"])
        let fenceSeconds = Date().timeIntervalSince(started)
        scenario.expect(fence.status == 0, "fencing apply failed:\n\(fence.stdout)\n\(fence.stderr)")
        // Now only lb1 answers the control node on port 22; the others drop it.
        let direct = try SiteLabChecks.shell("timeout 3 bash -c '</dev/tcp/10.231.77.11/22' && echo open || echo closed")
        scenario.expect(direct.output.trimmingCharacters(in: .whitespacesAndNewlines) == "closed", "web1:22 still answers the control node: \(direct.output)")
        let directLB = try SiteLabChecks.shell("timeout 3 bash -c '</dev/tcp/10.231.77.10/22' && echo open || echo closed")
        scenario.expect(directLB.output.trimmingCharacters(in: .whitespacesAndNewlines) == "open", "the bastion does not answer: \(directLB.output)")
        let unreachable = try rampart(["exec", "-i", labInventory, "--limit", "web1", "--", "true"])
        scenario.expect(unreachable.status != 0, "web1 answered directly: \(unreachable.stdout)")
        // Every host answers through it, and all share one session to lb1.
        let names = try EngineLabChecks.execAll(fenced, "hostname")
        scenario.expect(names.count == 6 && behind.allSatisfy { names[$0]?.hasPrefix($0) == true }, "exec through lb1: \(names)")
        let sessions = try await sharedSessions(fenced)
        scenario.expect(sessions == [bastion: 1], "jump sessions: \(sessions)")
        // verify from outside, a no-op plan.
        let verify = try rampart(["verify", "-i", fenced, site])
        scenario.expect(verify.status == 0, "verify through the bastion:\n\(verify.stdout)\n\(verify.stderr)")
        started = Date()
        let noop = try rampart(["plan", "-i", fenced, site, "--detailed-exitcode"])
        let noopSeconds = Date().timeIntervalSince(started)
        scenario.expect(noop.status == 0, "not converged through the bastion:\n\(noop.stdout)\n\(noop.stderr)")
        // The replica seeded again (a relay from db1 to db2, both behind the bastion).
        _ = try EngineLabChecks.execAll(fenced, "mysql -e 'FLUSH BINARY LOGS; PURGE BINARY LOGS BEFORE NOW()'", limit: "db1")
        _ = try EngineLabChecks.execAll(fenced, "systemctl stop mariadb && rm -rf /var/lib/mysql && mariadb-install-db --user=mysql >/dev/null 2>&1 && systemctl start mariadb", limit: "db2")
        let reseed = try rampart(["apply", "-i", fenced, site, "--yes", "--verbose"])
        scenario.expect(reseed.status == 0 && reseed.stdout.contains("initial copy of db1's data"), "reseed through lb1:\n\(reseed.stdout)\n\(reseed.stderr)")
        // A switchover and back.
        let promote = try rampart(["db", "promote", "db2", "-i", fenced, site, "--yes"])
        scenario.expect(promote.status == 0, "promote db2 through lb1:\n\(promote.stdout)\n\(promote.stderr)")
        let back = try rampart(["db", "promote", "db1", "-i", fenced, site, "--yes"])
        scenario.expect(back.status == 0, "promote db1 through lb1:\n\(back.stdout)\n\(back.stderr)")
        scenario.finish(String(format: "fence %.0f s, no-op plan %.2f s, 1 session to lb1", fenceSeconds, noopSeconds))

        try cutTheBastionMidApply(fenced)

        // Back as it was: SSH from the control node again (applied through the bastion), then
        // directly, which turns lb1's forwarding off again.
        let restore = try rampart(["apply", "-i", try inventory(.closing), site, "--yes"])
        #expect(restore.status == 0, "restoring the lab failed:\n\(restore.stdout)\n\(restore.stderr)")
        let directAgain = try rampart(["apply", "-i", labInventory, site, "--yes"])
        #expect(directAgain.status == 0, "the direct apply after the bastion failed:\n\(directAgain.stdout)\n\(directAgain.stderr)")
        let converged = try rampart(["plan", "-i", labInventory, site, "--detailed-exitcode"])
        #expect(converged.status == 0, "the lab is not back as it was:\n\(converged.stdout)\n\(converged.stderr)")
    }

    /// Connects to every host at once as `rampart` does and counts the sessions to the bastion.
    static func sharedSessions(_ inventoryPath: String) async throws -> [String: Int] {
        let project = try Project.load(inventory: inventoryPath, playbook: SiteLabChecks.site)
        var factory = ConnectionFactory(inventory: project.inventory)
        let jumpHosts = JumpHosts()
        defer { jumpHosts.closeAll() }
        factory.jumpHosts = jumpHosts
        let shared = factory
        let connections = try await withThrowingTaskGroup(of: SSHConnection.self) { group in
            for host in project.inventory.hosts { group.addTask { try await shared.connect(host) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for connection in connections {
            _ = try await connection.run(Command("true"))
            await connection.close()
        }
        return jumpHosts.sessionCounts
    }

    /// Drift on every host behind lb1 (a hole in each firewall), an apply through lb1, and lb1
    /// killed while it runs: every host behind it is reported lost, none keeps a half-applied
    /// ruleset (each rolls back unconfirmed changes itself), and the next apply converges.
    static func cutTheBastionMidApply(_ fenced: String) throws {
        var scenario = Scenario("18 bastion cut mid-apply")
        let holes = try EngineLabChecks.execAll(fenced, "nft insert rule inet rampart input tcp dport 9999 accept && echo ok", limit: "!lb1")
        scenario.expect(behind.allSatisfy { holes[$0] == "ok\n" }, "drift not made: \(holes)")
        let log = folder + "/cut-apply.log"
        let started = Date()
        let apply = Process()
        apply.executableURL = packageRoot.appendingPathComponent(".build/debug/rampart")
        apply.arguments = ["apply", "-i", fenced, SiteLabChecks.site, "--yes", "--json"]
        apply.currentDirectoryURL = packageRoot
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        apply.standardOutput = output
        apply.standardError = output
        try apply.run()
        // The cut: lb1 powered off (SIGKILL to its init) the moment the first host behind it
        // starts changing its firewall.
        var cutAt = 0.0
        for _ in 0..<3000 {
            usleep(10_000)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(where: { $0.contains("\"step_start\"") && !$0.contains("\"lb1\"") }) { break }
        }
        cutAt = Date().timeIntervalSince(started)
        try Lab().kill(host: bastion)
        apply.waitUntilExit()
        try? output.close()
        let lostAfter = Date().timeIntervalSince(started) - cutAt
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        PlantedSecrets.scan(text, what: "the output of the apply cut mid-way")
        scenario.expect(apply.terminationStatus != 0, "the apply through a dead bastion succeeded:\n\(text)")
        // Hosts that could not be planned get a plan_error, the others a host_finish.
        let finishes = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { ["host_finish", "plan_error"].contains($0["event"] as? String) }
        // Every host behind lb1 fails: lost through it mid-step, or skipped because a host it
        // waits for (lb1's drain for the web roll, db1 for db2) was.
        let failed = finishes.filter { ($0["error"] as? String) != nil || ($0["failed"] as? Int ?? 0) > 0 }
            .compactMap { $0["host"] as? String }
        let lost = finishes.filter { (($0["error"] as? String) ?? "").contains("jump host lb1") }.compactMap { $0["host"] as? String }
        scenario.expect(behind.allSatisfy(failed.contains) && !lost.isEmpty, "behind lb1: failed \(failed), lost through lb1 \(lost)\n\(text)")

        // The retry file lists exactly the hosts that did not succeed, in inventory order.
        let retryFile = RetryFile.path(for: fenced)
        let retry = ((try? String(contentsOfFile: retryFile, encoding: .utf8)) ?? "").split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.map(String.init)
        let order = ["lb1"] + behind
        scenario.expect(retry == order.filter(failed.contains), "retry file \(retryFile): \(retry), failed: \(failed)")

        _ = try Lab().start(host: bastion)
        let again = try rampart(["apply", "-i", fenced, SiteLabChecks.site, "--yes", "--limit", "@failed", "--json"])
        scenario.expect(again.status == 0, "the re-run after the cut failed:\n\(again.stdout)\n\(again.stderr)")
        let retried = again.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "plan" }.compactMap { $0["host"] as? String }
        scenario.expect(Set(retried) == Set(retry), "--limit @failed ran \(retried), the retry file said \(retry)")
        scenario.expect(!FileManager.default.fileExists(atPath: retryFile), "the retry file outlived a successful retry")
        let noop = try rampart(["plan", "-i", fenced, SiteLabChecks.site, "--detailed-exitcode"])
        scenario.expect(noop.status == 0, "not converged after the cut:\n\(noop.stdout)")
        let leftovers = try EngineLabChecks.execAll(fenced, "find /etc /var/lib/rampart \\( -name '.rampart-*' -o -name '*.rampart-tmp' \\) | wc -l")
        scenario.expect(leftovers.values.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "0" }, "temp files left: \(leftovers)")
        scenario.finish(String(format: "cut at %.1f s, apply ended %.1f s later, %d lost through lb1, %d failed, --limit @failed retried them",
                               cutAt, lostAfter, lost.count, failed.count))
    }
}
