import RampartApply
import RampartBasics
import RampartEngine
import RampartModel
import RampartPlan
import RampartRemote
import RampartTestSupport
import Testing

/// Waiting play by play (StageScheduler) over scripted hosts: a host's earlier plays do not wait
/// for what a later play waits for, and a play whose prerequisite failed stops the host there.
/// The lab shows the same on real servers (the site's replica and web roll, EngineLabTests).
struct StageSchedulerTests {
    /// A host whose plays each hold one guarded command (`run-<play>`), due everywhere.
    static func catalog(_ host: String, _ plays: [(name: String, waits: [StageRef])]) -> HostCatalog {
        let resources = plays.map { Resource(.command(CommandResource($0.name, run: "run-\($0.name)", unless: "check-\($0.name)"))) }
        return HostCatalog(host: host, address: "10.0.0.\(host.count)",
                           stages: zip(plays, resources).map { Stage(play: $0.name, resources: [$1.id], waitsFor: $0.waits) },
                           resources: resources)
    }

    static func host(_ name: String, commands: Int, failing: String? = nil) -> ScriptedConnection {
        let guards = (0..<commands).map { "C|\($0)|1" }.joined(separator: "\n")
        func facts(_ lock: String) -> String { "\n\u{1e}lock\n\(lock)\n\n\u{1e}state\nos|debian|12\n\n\u{1e}guards\n\(guards)\n" }
        let connection = ScriptedConnection(host: name)
            .on("036%s", .output(facts("")))
            .on("LOCK|free", .output(facts("LOCK|free")))
            .on("LOCK|ok", .output(facts("LOCK|ok")))
            .on("run-", .output("done"))
            .on("rm -f --", .output(""))
            .on("manifests/default.tmp", .output(""))
        if let failing { connection.on("run-\(failing)", .output("", status: 1)) }
        return connection
    }

    static func apply(_ catalogs: [HostCatalog], _ connections: [ScriptedConnection], forks: Int = 64) async throws -> [HostReport] {
        let byName = Dictionary(uniqueKeysWithValues: connections.map { ($0.hostName, $0) })
        var engine = Engine(inventory: Inventory(hosts: catalogs.map { Host($0.host, address: $0.address) }), connect: { host in
            guard let c = byName[host.name] else { throw RemoteError(.refused, host: host.name, "no such scripted host") }
            return c
        }, forks: forks, lockTimeout: 5)
        engine.lockRetryInterval = 0.01
        let request = ApplyRequest(catalog: Catalog(hosts: catalogs), inventoryPath: "inv.yml", playbookPath: "site.yml",
                                   lock: LockHolder(command: "rampart apply", controlNode: "ctl", pid: 42, started: 0))
        let outcome = try await engine.apply(request, view: RecordingView(), confirm: { _ in true })
        guard case .applied(let reports) = outcome else { Issue.record("expected reports, got \(outcome)"); return [] }
        return reports
    }

    @Test func aPlayWhosePrerequisiteFailedStopsTheHostAfterItsEarlierPlays() async throws {
        let db1 = Self.host("db1", commands: 1, failing: "primary"), db2 = Self.host("db2", commands: 2)
        let reports = try await Self.apply([
            Self.catalog("db1", [("primary", [])]),
            Self.catalog("db2", [("base", []), ("replica", [StageRef(host: "db1", play: "primary")])]),
        ], [db1, db2])
        #expect(reports.map(\.host) == ["db1", "db2"])
        #expect(db2.displays.contains("run command:base"), "db2's first play does not wait for db1: \(db2.displays)")
        #expect(!db2.displays.contains("run command:replica"))
        #expect(reports.last?.error?.message == "skipped: db1, which it waits for, failed")
        #expect(reports.last?.changed == 1)
        #expect(db2.displays.last == "release lock", "stopped before its last play: no manifest, the lock given back")
    }

    @Test func aPlayWaitsForTheOtherHostsPlayThenRuns() async throws {
        let db1 = Self.host("db1", commands: 2), db2 = Self.host("db2", commands: 2)
        let reports = try await Self.apply([
            Self.catalog("db1", [("primary", []), ("extra", [])]),
            Self.catalog("db2", [("base", []), ("replica", [StageRef(host: "db1", play: "primary")])]),
        ], [db1, db2], forks: 1)
        let errors = reports.compactMap(\.error?.message)
        #expect(reports.count == 2 && errors.isEmpty, "\(errors)")
        #expect(db2.displays.contains("run command:replica") && db1.displays.contains("run command:extra"))
    }

    @Test func aHostWaitingForAnotherGivesItsForkToIt() async throws {
        // One fork: db2 goes first (catalog order), reaches its replica play and must let db1 run,
        // or the apply would never end.
        let db1 = Self.host("db1", commands: 1), db2 = Self.host("db2", commands: 2)
        let reports = try await Self.apply([
            Self.catalog("db2", [("base", []), ("replica", [StageRef(host: "db1", play: "primary")])]),
            Self.catalog("db1", [("primary", [])]),
        ], [db2, db1], forks: 1)
        let errors = reports.compactMap(\.error?.message)
        #expect(reports.count == 2 && errors.isEmpty, "\(errors)")
    }

    /// Steps belong to the latest play any of their resources, or any earlier step, came from.
    @Test func stagesFollowThePlaysOfTheSteps() {
        let a = ResourceID(.command, "a"), b = ResourceID(.command, "b"), c = ResourceID(.command, "c")
        let catalog = HostCatalog(host: "h", address: "10.0.0.1",
                                  stages: [Stage(play: "one", resources: [a]), Stage(play: "two", resources: [b]), Stage(play: "three", resources: [c])])
        func step(_ id: ResourceID) -> Step { Step([id], .run, summary: id.name, script: StepScript(converged: nil, change: "true")) }
        // b (play two) pulled before a by `requires`: a runs in play two, after b; play three has c.
        let stages = PlanStage.stages(of: catalog, steps: [step(b), step(a), step(c)])
        #expect(stages.map(\.first) == [0, 0, 2])
        let empty = PlanStage.stages(of: catalog, steps: [step(a)])
        #expect(empty.map(\.first) == [0, 1, 1], "plays with nothing to do start where the steps end")
    }
}
