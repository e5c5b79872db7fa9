import Foundation
import RampartApply
import RampartBasics
import RampartFacts
import RampartModel
import RampartPlan
import RampartRemote

/// What an apply shows as it goes: the events of every host (`ApplyObserver`), and the plan
/// before anything changes, the start of the changes and the closing reports.
public protocol ApplyView: ApplyObserver {
    /// The plan about to be applied, the hosts that cannot be, and planning's other problems.
    func showPlan(_ plan: Plan, errors: [String: Diagnostic], warnings: [Diagnostic])
    /// Changes start now (a live view takes the terminal from here).
    func applying()
    /// Every host is done (a live view gives the terminal back first).
    func applied(_ reports: [HostReport], seconds: Double)
}

/// Asked with the plan before anything changes (not for a saved plan, nor an empty one): true
/// applies it; false cancels; an error cancels and is the apply's error.
public typealias Confirmation = @Sendable (Plan) async throws -> Bool

/// One `apply`: a new plan from the playbook, or exactly a saved plan.
public struct ApplyRequest: Sendable {
    public var catalog: Catalog
    public var inventoryPath: String
    public var playbookPath: String
    /// A plan saved by `plan --out`: applied exactly, refused on any host whose facts changed since.
    public var saved: Plan?
    /// Stop every host at the first host failure (and apply nothing when a host cannot be planned).
    public var failFast: Bool
    /// Who this run is, in the hosts' locks.
    public var lock: LockHolder

    public init(catalog: Catalog, inventoryPath: String, playbookPath: String, saved: Plan? = nil, failFast: Bool = false,
                lock: LockHolder = .thisProcess()) {
        self.catalog = catalog
        self.inventoryPath = inventoryPath
        self.playbookPath = playbookPath
        self.saved = saved
        self.failFast = failFast
        self.lock = lock
    }
}

/// How an apply ended.
public enum ApplyOutcome: Sendable {
    /// The confirmation said no: nothing changed, every lock released.
    case cancelled
    /// `failFast` and a host could not be planned: nothing changed, every lock released.
    case refused(errors: [String: Diagnostic])
    /// The hosts' reports, in the catalog's order.
    case applied([HostReport])

    public var succeeded: Bool {
        switch self {
        case .cancelled: return true
        case .refused: return false
        case .applied(let reports): return reports.allSatisfy(\.succeeded)
        }
    }
}

extension Engine {
    /// Looks (or, for a saved plan, locks and looks), plans, shows, confirms and applies; every
    /// lock this run took is released on every way out.
    public func apply(_ request: ApplyRequest, view: ApplyView, confirm: Confirmation) async throws -> ApplyOutcome {
        let started = Monotonic.now()
        // A saved plan is checked against facts taken under the lock; otherwise a first look
        // without it, so that hosts already converged are done in one exec (`settle`).
        var runs = request.saved != nil ? await gather(request.catalog, lock: request.lock, observer: view) : await peek(request.catalog)
        do { runs = try withCertificates(runs) } catch {
            await finish(runs)
            throw error
        }
        if let saved = request.saved {
            runs = Self.checked(Self.planned(runs), against: saved)
        } else {
            runs = await settle(Self.planned(runs), lock: request.lock, observer: view)
        }
        let plan = Plan(inventory: request.inventoryPath, playbook: request.playbookPath, hosts: runs.plans)
        let errors = runs.errors
        view.showPlan(plan, errors: errors, warnings: runs.flatMap(\.warnings))
        if request.saved == nil && !plan.summary.isEmpty {
            let go: Bool
            do { go = try await confirm(plan) } catch {
                await finish(runs)
                throw error
            }
            guard go else {
                await finish(runs)
                return .cancelled
            }
        }
        if request.failFast && !errors.isEmpty {
            await finish(runs)
            return .refused(errors: errors)
        }
        view.applying()
        let reports = await run(runs, failFast: request.failFast, view: view)
        view.applied(reports, seconds: Monotonic.now() - started)
        return .applied(reports)
    }

    /// A saved plan's hosts, re-planned from the same facts (for the secrets it keeps in memory
    /// only), each replaced by its saved plan — or refused when its facts changed since.
    static func checked(_ runs: [HostRun], against saved: Plan) -> [HostRun] {
        runs.map { run in
            guard run.error == nil, let planned = saved.hosts.first(where: { $0.host == run.name }) else { return run }
            var run = run
            if run.facts?.fingerprint != planned.fingerprint {
                run.error = .error("the host changed since the plan was made; the saved plan is refused",
                                   hint: "run `rampart plan … --out FILE` again", host: run.name, step: "fingerprint")
            } else {
                run.plan = planned
            }
            return run
        }
    }

    /// Applies every planned host, in parallel as `after:` and rolls allow; releases the locks of
    /// hosts the applier never reached and closes every connection.
    func run(_ runs: [HostRun], failFast: Bool, view: ApplyView) async -> [HostReport] {
        let payloads = Self.payloads(runs)
        let relay = self.relay(over: runs)
        let cache = DownloadCache()
        let downloads: DownloadSource = { url, sha256 in try await cache.fetch(url, sha256: sha256) }
        let reconnect: Reconnect = { [self] name in try await connect(named: name) }
        let hooks = RollingHooks(inventory: inventory, connect: connect, observer: view)
        let scheduler = StageScheduler(stages: runs.map { r in
            (r.name, r.plan?.stages ?? PlanStage.stages(of: r.catalog, steps: []))
        }, forks: forks, hooks: hooks, observer: view)
        let stop = Locked(false)
        // Hosts whose applier ran (it releases the lock itself).
        let applied = Locked<Set<String>>([])
        let work: @Sendable (HostRun) async -> HostReport = { run in
            let name = run.name
            var report = HostReport(host: name)
            guard !stop.current else {
                report.error = .error("not started: --fail-fast after another host failed", host: name)
                view.event(.hostFinished(report))
                return report
            }
            guard let connection = run.connection, let plan = run.plan, run.error == nil else {
                report.error = run.error
                return report
            }
            if run.settled {
                report.execs = connection.execCount
                view.event(.hostFinished(report))
                return report
            }
            applied.withLock { _ = $0.insert(name) }
            report = await HostApplier(plan: plan, connection: connection, lock: run.lock, payloads: payloads, relay: relay,
                                       downloads: downloads, reconnect: reconnect, observer: view, gate: scheduler,
                                       shouldStop: { failFast && stop.current }).run()
            if !report.succeeded && failFast { stop.withLock { $0 = true } }
            return report
        }
        let reports = await withTaskGroup(of: HostReport.self) { group in
            for run in runs {
                group.addTask {
                    await scheduler.acquireFork()
                    let report = await work(run)
                    // Plays the applier did not get to (or a host it never ran) are over for the others.
                    await scheduler.close(run.name, failed: !report.succeeded)
                    await scheduler.releaseFork()
                    return report
                }
            }
            var byName: [String: HostReport] = [:]
            for await report in group { byName[report.host] = report }
            return runs.compactMap { byName[$0.name] }
        }
        let done = applied.current
        await release(runs.filter { !done.contains($0.name) })
        await close(runs)
        return reports
    }

    /// Clear bytes of a sensitive payload for the applier, from planning this run (a saved plan
    /// is re-planned from the same facts; the applier checks every payload against its hash).
    static func payloads(_ runs: [HostRun]) -> PayloadSource {
        let byHost = Dictionary(uniqueKeysWithValues: runs.map { ($0.name, $0.payloads) })
        return { host, key in byHost[host]?[key] }
    }

    /// Runs a command on another inventory host for a relayed payload: over that host's open
    /// connection when it is in this run, else over a connection opened for it.
    func relay(over runs: [HostRun]) -> RelaySource {
        let open = Dictionary(uniqueKeysWithValues: runs.compactMap { r in r.connection.map { (r.name, $0) } })
        return { [self] source, command in
            var opened: HostConnection?
            let connection: HostConnection
            if let existing = open[source] { connection = existing } else {
                let fresh = try await connect(named: source)
                opened = fresh
                connection = fresh
            }
            let result: CommandResult
            do { result = try await connection.run(Command(command, display: "read for another host: \(command)")) } catch {
                await opened?.close()
                throw error
            }
            await opened?.close()
            guard result.succeeded else {
                throw DiagnosticError(.error("`\(command)` failed on \(source) (exit \(result.exitStatus)): \(result.stderrText.prefix(300))", host: source))
            }
            return result.stdout
        }
    }
}
