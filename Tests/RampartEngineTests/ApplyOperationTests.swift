import Foundation
import RampartApply
import RampartBasics
import RampartEngine
import RampartModel
import RampartPlan
import RampartRemote
import RampartTestSupport
import Testing

/// The engine's decisions over scripted hosts, in milliseconds: the lock-free first look, the
/// lock taken only where there is work, a declined or refused apply releasing every lock it
/// took, a stale saved plan refused, fail-fast, a roll stopped with its server re-enabled, a lost
/// host not reconnected. The lab proves the same on real servers (EngineLabTests, FaultLabTests).
struct ApplyOperationTests {
    /// One guarded command per host: due when its `unless` check fails on the host.
    static func catalog(_ hosts: [String], rolling: Rolling? = nil) -> Catalog {
        Catalog(hosts: hosts.map { name in
            let deploy = Resource(.command(CommandResource("deploy", run: "deploy-the-app", unless: "check-deployed")))
            return HostCatalog(host: name, address: "10.0.0.\(name.count)",
                               stages: [Stage(play: rolling?.play ?? "site", resources: [deploy.id], rolling: rolling)], resources: [deploy])
        })
    }

    static func inventory(_ hosts: [String]) -> Inventory {
        Inventory(hosts: hosts.map { Host($0, address: "10.0.0.\($0.count)") })
    }

    /// The facts exec's output as the probes print it (lock line first, then each section); the
    /// manifest as the last apply wrote it (the command with its declaration's digest).
    static func facts(lock: String, due: Bool, manifest: Bool = true) -> String {
        let deploy = catalog(["h"]).hosts[0].resources[0]
        return "\n\u{1e}lock\n\(lock)\n\n\u{1e}state\nos|debian|12\n" + (manifest ? "M|\(DeclarationDigest.entries([deploy])[0].line)\n" : "")
            + "\n\u{1e}guards\nC|0|\(due ? 1 : 0)\n"
    }

    /// A host scripted for a whole apply: first look, lock, the step, the manifest and release.
    static func host(_ name: String, due: Bool, step: ScriptedConnection.Reply = .output("deployed")) -> ScriptedConnection {
        // Later rules win: the manifest's write (which also releases) over the bare release.
        ScriptedConnection(host: name)
            .on("036%s", .output(facts(lock: "", due: due)))   // facts without the lock (plan)
            .on("LOCK|free", .output(facts(lock: "LOCK|free", due: due)))
            .on("LOCK|ok", .output(facts(lock: "LOCK|ok", due: due)))
            .on("deploy-the-app", step)
            .on("disable", .output(""))
            .on("enable", .output(""))
            .on("rm -f --", .output(""))
            .on("manifests/default.tmp", .output(""))
    }

    static func engine(_ connections: [ScriptedConnection], forks: Int = 64, lockTimeout: Double = 5) -> Engine {
        let byName = Dictionary(uniqueKeysWithValues: connections.map { ($0.hostName, $0) })
        var engine = Engine(inventory: inventory(connections.map(\.hostName)), connect: { host in
            guard let c = byName[host.name] else { throw RemoteError(.refused, host: host.name, "no such scripted host") }
            return c
        }, forks: forks, lockTimeout: lockTimeout)
        engine.lockRetryInterval = 0.01
        return engine
    }

    static func request(_ hosts: [String], saved: Plan? = nil, failFast: Bool = false, rolling: Rolling? = nil) -> ApplyRequest {
        ApplyRequest(catalog: catalog(hosts, rolling: rolling), inventoryPath: "inv.yml", playbookPath: "site.yml", saved: saved,
                     failFast: failFast, lock: LockHolder(command: "rampart apply", controlNode: "ctl", pid: 42, started: 0))
    }

    static func reports(_ outcome: ApplyOutcome) -> [HostReport] {
        if case .applied(let reports) = outcome { return reports }
        Issue.record("expected the hosts' reports, got \(outcome)")
        return []
    }

    @Test func aConvergedUnlockedHostIsDoneInOneExecWithoutItsLock() async throws {
        let h1 = Self.host("h1", due: false)
        let view = RecordingView()
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"]), view: view, confirm: { _ in
            Issue.record("nothing to confirm for an empty plan")
            return false
        })
        let report = try #require(Self.reports(outcome).first)
        #expect(report.succeeded && report.changed == 0 && report.execs == 1)
        #expect(h1.displays == ["gather facts"])
        #expect(view.shownPlan?.summary.isEmpty == true)
        #expect(h1.isClosed)
    }

    @Test func aHostWithAStepIsLockedLookedAtAgainThenApplied() async throws {
        let h1 = Self.host("h1", due: true)
        let confirmed = Locked(0)
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"]), view: RecordingView(), confirm: { plan in
            confirmed.withLock { $0 += 1 }
            return plan.summary.refresh == 1
        })
        let report = try #require(Self.reports(outcome).first)
        #expect(report.succeeded && report.changed == 1)
        #expect(confirmed.current == 1)
        #expect(h1.displays == ["gather facts", "lock and gather facts", "run command:deploy", "write manifest, release lock"])
        #expect(h1.commands.last?.script.contains("rampart-lock/1|rampart apply|ctl|42|0") == true, "releases its own lock only")
    }

    @Test func aDeclinedApplyChangesNothingAndReleasesTheLocksItTook() async throws {
        let h1 = Self.host("h1", due: true), h2 = Self.host("h2", due: false)
        let outcome = try await Self.engine([h1, h2]).apply(Self.request(["h1", "h2"]), view: RecordingView(), confirm: { _ in false })
        guard case .cancelled = outcome else { Issue.record("expected cancelled, got \(outcome)"); return }
        #expect(h1.displays == ["gather facts", "lock and gather facts", "release lock"])
        #expect(h2.displays == ["gather facts"], "a settled host had no lock to release")
        #expect(h1.isClosed && h2.isClosed)
    }

    @Test func aConfirmationErrorIsTheApplysErrorAndReleasesTheLocks() async throws {
        let h1 = Self.host("h1", due: true)
        await #expect(throws: DiagnosticError.self) {
            _ = try await Self.engine([h1]).apply(Self.request(["h1"]), view: RecordingView(), confirm: { _ in
                throw DiagnosticError(.error("apply needs confirmation and there is no terminal"))
            })
        }
        #expect(h1.displays.last == "release lock")
    }

    @Test func aSavedPlanIsRefusedOnAHostWhoseFactsChanged() async throws {
        let planner = Self.host("h1", due: true)
        let planned = await Self.engine([planner]).gather(Self.catalog(["h1"]), lock: nil)
        var saved = Plan(inventory: "inv.yml", playbook: "site.yml", hosts: Engine.planned(planned).plans)
        saved.hosts[0].fingerprint = "facts-as-they-were"
        let h1 = Self.host("h1", due: true)
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"], saved: saved), view: RecordingView(), confirm: { _ in true })
        let report = try #require(Self.reports(outcome).first)
        #expect(report.error?.message == "the host changed since the plan was made; the saved plan is refused")
        #expect(h1.displays == ["lock and gather facts", "release lock"], "nothing run; the lock released")
    }

    @Test func aSavedPlanIsAppliedExactlyWhenTheFactsAreTheSame() async throws {
        let planner = Self.host("h1", due: true)
        let saved = Plan(inventory: "inv.yml", playbook: "site.yml",
                         hosts: Engine.planned(await Self.engine([planner]).gather(Self.catalog(["h1"]), lock: nil)).plans)
        let h1 = Self.host("h1", due: true)
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"], saved: saved), view: RecordingView(), confirm: { _ in
            Issue.record("a saved plan is not confirmed again")
            return false
        })
        #expect(Self.reports(outcome).first?.changed == 1)
        #expect(h1.displays == ["lock and gather facts", "run command:deploy", "write manifest, release lock"])
    }

    @Test func failFastStopsTheHostsNotYetStarted() async throws {
        let h1 = Self.host("h1", due: true, step: .output("", status: 1, stderr: "boom")), h2 = Self.host("h2", due: true)
        let outcome = try await Self.engine([h1, h2], forks: 1).apply(Self.request(["h1", "h2"], failFast: true), view: RecordingView(),
                                                                       confirm: { _ in true })
        let reports = Self.reports(outcome)
        #expect(reports.map(\.succeeded) == [false, false])
        #expect(reports.last?.error?.message == "not started: --fail-fast after another host failed")
        #expect(!h2.displays.contains("run command:deploy"))
        #expect(h2.displays.last == "release lock", "the host that never started gives its lock back")
    }

    @Test func failFastAppliesNothingWhenAHostCannotBePlanned() async throws {
        let h1 = Self.host("h1", due: true)
        var engine = Self.engine([h1])
        engine.inventory = Self.inventory(["h1", "h2"])   // h2 cannot be reached
        let outcome = try await engine.apply(Self.request(["h1", "h2"], failFast: true), view: RecordingView(), confirm: { _ in true })
        guard case .refused(let errors) = outcome else { Issue.record("expected refused, got \(outcome)"); return }
        #expect(errors["h2"]?.message.contains("no such scripted host") == true)
        #expect(h1.displays == ["gather facts", "lock and gather facts", "release lock"])
    }

    @Test func aRollStopsAtItsFirstFailureAndTheDrainedServerIsReEnabled() async throws {
        let roll = Rolling(play: "web", serial: 1, before: RollingHook(on: "lb", run: "disable server"), after: RollingHook(on: "lb", run: "enable server"))
        let w1 = Self.host("w1", due: true, step: .output("", status: 1)), w2 = Self.host("w2", due: true), lb = Self.host("lb", due: false)
        var engine = Self.engine([w1, w2, lb])
        engine.inventory = Self.inventory(["w1", "w2", "lb"])
        let outcome = try await engine.apply(Self.request(["w1", "w2"], rolling: roll), view: RecordingView(), confirm: { _ in true })
        let reports = Self.reports(outcome)
        #expect(reports.first?.error?.message.hasPrefix("run failed (exit 1)") == true)
        #expect(reports.last?.error?.message == "skipped: the rolling play 'web' stopped after w1 failed")
        #expect(lb.displays == ["before_each for w1", "after_each for w1"], "drained, then re-enabled although w1 failed")
        #expect(!w2.displays.contains("run command:deploy"))
        #expect(w2.displays.last == "release lock")
    }

    @Test func aHostLostMidStepIsReportedAndNotAskedToReleaseItsLock() async throws {
        let h1 = Self.host("h1", due: true, step: .error(.connectionLost, "no answer to 3 keepalives"))
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"]), view: RecordingView(), confirm: { _ in true })
        let report = try #require(Self.reports(outcome).first)
        #expect(report.connectionLost && report.error?.message == "connection lost: no answer to 3 keepalives")
        #expect(h1.displays == ["gather facts", "lock and gather facts", "run command:deploy"])
    }

    @Test func anotherRunsLockIsWaitedForThenTaken() async throws {
        let holder = LockHolder(command: "rampart apply", controlNode: "other-ctl", pid: 7, started: 0).record
        let h1 = Self.host("h1", due: true)
            .on("LOCK|ok", .output(Self.facts(lock: "LOCK|busy|5|\(holder)", due: true)), .output(Self.facts(lock: "LOCK|ok", due: true)))
        let view = RecordingView()
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"]), view: view, confirm: { _ in true })
        #expect(Self.reports(outcome).first?.succeeded == true)
        #expect(view.waits == ["another apply holds the lock (rampart apply from other-ctl (pid 7), started 1970-01-01T00:00:00Z); waiting up to 5 s"])
    }

    @Test func aLockHeldPastTheTimeoutFailsTheHostNamingItsHolder() async throws {
        let holder = LockHolder(command: "rampart apply", controlNode: "other-ctl", pid: 7, started: 0).record
        let h1 = Self.host("h1", due: true).on("LOCK|ok", .output(Self.facts(lock: "LOCK|busy|5|\(holder)", due: true)))
        let outcome = try await Self.engine([h1], lockTimeout: 0).apply(Self.request(["h1"]), view: RecordingView(), confirm: { _ in true })
        let error = try #require(Self.reports(outcome).first?.error)
        #expect(error.message == "another apply holds the lock on this host: rampart apply from other-ctl (pid 7), started 1970-01-01T00:00:00Z")
        #expect(error.step == "lock")
        #expect(!h1.displays.contains("run command:deploy"))
    }

    @Test func anHourOldLockIsTakenOverOnlyWhileItIsStillTheSame() async throws {
        let old = LockHolder(command: "rampart apply", controlNode: "other-ctl", pid: 7, started: 0).record
        let h1 = Self.host("h1", due: true).on("LOCK|ok", .computed { command in
            // The take-over names the record it judged abandoned; only then is the lock ours.
            .output(Self.facts(lock: command.script.contains(old) ? "LOCK|ok" : "LOCK|busy|\(HostLock.staleAfter + 1)|\(old)", due: true))
        })
        let view = RecordingView()
        let outcome = try await Self.engine([h1]).apply(Self.request(["h1"]), view: view, confirm: { _ in true })
        #expect(Self.reports(outcome).first?.succeeded == true)
        #expect(view.waits.first?.hasSuffix("older than 60 minutes: taking it over") == true, "\(view.waits)")
    }

    @Test func anOfflinePlanConnectsToNothing() {
        let engine = Engine(inventory: Self.inventory(["h1"]), connect: { host in
            Issue.record("offline must not connect to \(host.name)")
            throw RemoteError(.refused, host: host.name, "offline")
        })
        let runs = Engine.planned(engine.assumeFresh(Self.catalog(["h1"])))
        #expect(runs.first?.plan?.steps.map(\.action) == [.run])
        #expect(runs.errors.isEmpty)
    }
}

/// Keeps what an apply showed.
final class RecordingView: ApplyView, @unchecked Sendable {
    private let state = Locked<(plan: Plan?, events: [ApplyEvent])>((nil, []))
    var shownPlan: Plan? { state.current.plan }
    var waits: [String] {
        state.current.events.compactMap { if case .waiting(_, let reason) = $0 { return reason }; return nil }
    }

    func event(_ event: ApplyEvent) { state.withLock { $0.events.append(event) } }
    func showPlan(_ plan: Plan, errors: [String: Diagnostic], warnings: [Diagnostic]) { state.withLock { $0.plan = plan } }
    func applying() {}
    func applied(_ reports: [HostReport], seconds: Double) {}
}
