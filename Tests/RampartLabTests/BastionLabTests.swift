import Foundation
import Rampart
import RampartLab
@testable import RampartCLI
import RampartRemote
import RampartSSH
import Testing

/// Issue 18 on the lab: a data centre where the control node reaches only a bastion (lb1) and
/// every other host takes SSH only from the bastion — fenced from the first boot
/// (`lab up -i inventories/lab-bastion.yml`), then by the site's own firewall. The whole site is
/// applied to the fresh hosts through the jump host (the replica seeded by a relay between two
/// hosts behind it, firewall changes confirmed over new connections through it), verified,
/// re-planned and switched over; then the bastion is cut mid-apply. Called last from
/// `labLifecycle`: it replaces the lab with the bastion lab.
enum BastionLabChecks {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-bastion-lab").path
    static let committed = packageRoot.appendingPathComponent("inventories/lab-bastion.yml").path
    static let bastion = "lb1"
    static let behind = ["web1", "web2", "db1", "db2", "mon1"]

    static func run() async throws {
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let site = SiteLabChecks.site
        var scenario = Scenario("18 fresh site through a bastion")
        #expect(try rampart(["lab", "down"]).status == 0)
        let up = try rampart(["lab", "up", "-i", committed])
        scenario.expect(up.status == 0, "lab up -i lab-bastion.yml: \(up.stderr)")
        // A copy: db promote edits the file it is given.
        let inventory = try SiteLabChecks.inventoryCopy(in: folder, name: "lab-bastion", from: committed)

        // Fresh hosts: only lb1 answers the control node on port 22; the others drop it.
        func port22(_ address: String) throws -> String {
            try SiteLabChecks.shell("timeout 3 bash -c '</dev/tcp/\(address)/22' && echo open || echo closed").output
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        scenario.expect(try port22("10.231.77.11") == "closed", "fresh web1:22 answers the control node")
        scenario.expect(try port22("10.231.77.10") == "open", "the bastion does not answer")
        let direct = try rampart(["exec", "-i", labInventory, "--limit", "web1", "--", "true"])
        scenario.expect(direct.status != 0, "web1 answered directly: \(direct.stdout)")

        // The whole site, cold, through lb1 (root on the fresh bastion and hosts, then deploy).
        var started = Date()
        let apply = try rampart(["apply", "-i", inventory, site, "--yes", "--verbose"])
        let cold = Date().timeIntervalSince(started)
        scenario.expect(apply.status == 0, "site apply through lb1 failed:\n\(apply.stdout.suffix(6000))\n\(apply.stderr)")
        scenario.expect(apply.stdout.contains("initial copy of db1's data"), "the replica was not seeded through lb1")
        // After the site's firewall, still only lb1 may reach port 22 of the others.
        scenario.expect(try port22("10.231.77.12") == "closed", "web2:22 answers the control node after the site")
        let names = try EngineLabChecks.execAll(inventory, "hostname")
        scenario.expect(names.count == 6 && behind.allSatisfy { names[$0]?.hasPrefix($0) == true }, "exec through lb1: \(names)")
        let sessions = try await sharedSessions(inventory)
        scenario.expect(sessions == [bastion: 1], "jump sessions: \(sessions)")
        let verify = try rampart(["verify", "-i", inventory, site])
        scenario.expect(verify.status == 0, "verify through the bastion:\n\(verify.stdout)\n\(verify.stderr)")
        started = Date()
        let noop = try rampart(["plan", "-i", inventory, site, "--detailed-exitcode"])
        let noopSeconds = Date().timeIntervalSince(started)
        scenario.expect(noop.status == 0, "not converged through the bastion:\n\(noop.stdout)\n\(noop.stderr)")
        // A switchover and back, through lb1.
        let promote = try rampart(["db", "promote", "db2", "-i", inventory, site, "--yes"])
        scenario.expect(promote.status == 0, "promote db2 through lb1:\n\(promote.stdout)\n\(promote.stderr)")
        let back = try rampart(["db", "promote", "db1", "-i", inventory, site, "--yes"])
        scenario.expect(back.status == 0, "promote db1 through lb1:\n\(back.stdout)\n\(back.stderr)")
        scenario.finish(String(format: "cold apply %.0f s, no-op plan %.2f s, 1 session to lb1", cold, noopSeconds))

        try cutTheBastionMidApply(inventory)
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
        // Every host behind lb1 fails and says the link through lb1 is lost: mid-step, or while
        // it waited for a host that failed first (lb1's drain for the web roll, db1 for db2).
        let failed = finishes.filter { ($0["error"] as? String) != nil || ($0["failed"] as? Int ?? 0) > 0 }
            .compactMap { $0["host"] as? String }
        // A web server's first step is the roll's drain, run ON lb1: cut then, its error is lb1's
        // own connection lost, and the roll stops before the other web server (told so).
        let lostOnLB = finishes.filter { (($0["error"] as? String) ?? "").hasPrefix("connection lost: to lb1,") }.compactMap { $0["host"] as? String }
        let lost = finishes.filter { finish in
            let error = (finish["error"] as? String) ?? ""
            return error.contains("jump host lb1") || error.hasPrefix("connection lost: to lb1,")
                || (error.contains("the rolling play 'web' stopped after") && lostOnLB.contains { error.contains("after \($0) failed") })
                // Cut while a firewall change was being confirmed over a new connection (through
                // lb1): that connection's handshake is what failed; the host's timer reverts the change.
                || error.hasPrefix("after the change, a new SSH connection failed (connection lost")
        }.compactMap { $0["host"] as? String }
        scenario.expect(behind.allSatisfy(failed.contains) && behind.allSatisfy(lost.contains),
                        "behind lb1: failed \(failed), lost through lb1 \(lost)\n\(text)")

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
