import Foundation
import Rampart
import RampartApply
@testable import RampartCLI
import RampartFacts
import RampartRemote
import Testing

/// Issue 25's stress on a real host (db2, whose probe the race once failed): one connection
/// takes and releases the host's lock as fast as it can while a second runs the site's whole
/// facts exec for db2 — once with the lock's take-or-report prefix, once with the first look's —
/// for a fixed number of rounds. Every facts exec must succeed and report a well-formed lock
/// status; none may fail because the lock vanished while it was being looked at.
enum LockRaceLabChecks {
    static let rounds = 150

    static func run() async throws {
        var scenario = Scenario("6b lock take/release vs probes")
        let project = try Project.load(inventory: labInventory, playbook: SiteLabChecks.site)
        let catalog = try #require(try project.compile(limit: "db2")["db2"])
        // Connected as `rampart` connects (the deploy user, sudo), two sessions.
        let factory = ConnectionFactory(inventory: project.inventory)
        let holder = try await factory.connect(named: "db2"), prober = try await factory.connect(named: "db2")
        let mine = LockHolder(command: "lock race holder", controlNode: "lab-test", pid: 1, started: Int(Date().timeIntervalSince1970))
        let waiter = LockHolder(command: "lock race prober", controlNode: "lab-test", pid: 2, started: Int(Date().timeIntervalSince1970))

        async let taken: Int = {
            var taken = 0
            for _ in 0..<rounds {
                let status = HostLock.status(in: try await holder.run(Command(HostLock.acquireScript(for: mine))).stdoutText)
                if status == .acquired {
                    taken += 1
                    _ = try await holder.run(Command(HostLock.releaseScript(for: mine)))
                }
            }
            return taken
        }()
        let batch = ProbeBatch(catalog: catalog)
        var failures: [String] = [], probed = 0, busy = 0, acquired = 0
        for _ in 0..<rounds {
            for prefix in [HostLock.acquireScript(for: waiter), HostLock.peekScript()] {
                do {
                    let output = try await batch.run(over: prober, prefix: prefix)
                    probed += 1
                    switch HostLock.status(in: output) {
                    case .acquired:
                        acquired += 1
                        _ = try await prober.run(Command(HostLock.releaseScript(for: waiter)))
                    case .busy: busy += 1
                    case .free: break
                    case .failed(let reason): failures.append("lock status: \(reason)")
                    }
                    if batch.parse(output).packages.isEmpty { failures.append("no package facts in: \(output.prefix(300))") }
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        let holderTook = try await taken
        let left = try await prober.run(Command("cat /run/rampart.lock 2>/dev/null; true")).stdoutText
        await holder.close()
        await prober.close()
        scenario.expect(failures.isEmpty, "\(failures.count) facts failures, first: \(failures.prefix(3))")
        scenario.expect(left.isEmpty, "a lock was left behind: \(left)")
        scenario.expect(holderTook > 0 && busy > 0, "the two sides never met (holder took \(holderTook), prober saw busy \(busy))")
        let figure = "\(rounds) rounds: holder took the lock \(holderTook)×; \(probed) facts execs on db2 (lock taken \(acquired)×, busy \(busy)×), \(failures.count) failed"
        print("lock race on the lab: " + figure)
        scenario.finish(figure)
    }
}
