import Foundation
import RampartApply
import RampartBasics
import RampartFacts
import RampartModel
import RampartPlan
import RampartRemote

/// Reaches a host of the inventory: the composition root supplies SSH, unit tests a scripted connection.
public typealias Connector = @Sendable (RampartModel.Host) async throws -> HostConnection

/// A host's catalog compiled again with these facts (the composition root compiles the project).
public typealias CatalogRecompiler = @Sendable (HostCatalog, TemplateFacts) throws -> HostCatalog

/// The internal CA's certificates for one host's catalog, issued or reused on the control node.
public typealias CertificateIssuer = @Sendable (HostCatalog) throws -> [ResourceID: CertificateMaterial]

/// The engine: connects to the catalog's hosts, gathers their facts (one exec each), plans them,
/// and applies — the stages `plan` and `apply` share, each taking hosts and returning them with
/// what it learned. It knows nothing of terminals or SSH: a `Connector` reaches hosts, a view
/// hears events, a confirmation closure decides.
public struct Engine: Sendable {
    public var inventory: Inventory
    public var connect: Connector
    public var issueCertificates: CertificateIssuer
    /// Most hosts worked on at once.
    public var forks: Int
    /// Seconds to wait for another run's lock on a host, and between looks at it.
    public var lockTimeout: Double
    public var lockRetryInterval: Double = 2
    /// For catalogs whose templates read facts: compiles a host again with its gathered facts.
    public var recompile: CatalogRecompiler?
    /// Where the facts a host's templates saw are kept for the next run's first compile.
    public var factsCache: TemplateFactsCache?

    public init(inventory: Inventory, connect: @escaping Connector, issueCertificates: @escaping CertificateIssuer = { _ in [:] },
                forks: Int = 64, lockTimeout: Double = 300) {
        self.inventory = inventory
        self.connect = connect
        self.issueCertificates = issueCertificates
        self.forks = forks
        self.lockTimeout = lockTimeout
    }

    /// The catalog's hosts (those the inventory has), nothing learned yet.
    func runs(_ catalog: Catalog) -> [HostRun] {
        catalog.hosts.compactMap { c in inventory.host(named: c.host).map { HostRun(host: $0, catalog: c) } }
    }

    /// Connects to every host in parallel and gathers its facts in one exec (taking the host's
    /// lock for `lock` in that exec, waiting for another run to release it).
    public func gather(_ catalog: Catalog, lock: LockHolder?, observer: ApplyObserver? = nil) async -> [HostRun] {
        let (lockTimeout, retry) = (self.lockTimeout, lockRetryInterval)
        let (recompile, cache) = (self.recompile, factsCache)
        return await connectAll(runs(catalog)) { run, connection in
            run.facts = try await FactGathering.gather(run.catalog, over: connection, lock: lock, lockTimeout: lockTimeout,
                                                       retryEvery: retry, observer: observer)
            run.lock = lock
            try await Self.recompiled(&run, recompile, cache, over: connection)
        }
    }

    /// A catalog compiled with other facts than the host turned out to have is compiled again
    /// with the gathered ones; only when that changes what the facts exec asks is the host
    /// asked again — so a catalog that reads facts costs one round trip, at most two.
    static func recompiled(_ run: inout HostRun, _ recompile: CatalogRecompiler?, _ cache: TemplateFactsCache?,
                           over connection: HostConnection) async throws {
        let before = run.catalog.templateFacts
        if try recompiledAsksAgain(&run, recompile) { run.facts = try await ProbeBatch(catalog: run.catalog).gather(over: connection) }
        // Kept when they changed: compiled with the cache's entry and found the same, nothing to write.
        if let cache, let used = run.catalog.templateFacts, used != before { cache.store(used, of: run.name) }
    }

    /// The catalog compiled again if its facts differ; true when the facts exec must run again.
    static func recompiledAsksAgain(_ run: inout HostRun, _ recompile: CatalogRecompiler?) throws -> Bool {
        guard let used = run.catalog.templateFacts, let recompile, let facts = run.facts else { return false }
        let gathered = TemplateFacts(facts, reading: run.catalog.factKeys, globs: run.catalog.factGlobs)
        guard gathered != used else { return false }
        let catalog = try recompile(run.catalog, gathered)
        let askAgain = ProbeBatch(catalog: catalog).script != ProbeBatch(catalog: run.catalog).script
        run.catalog = catalog
        return askAgain
    }

    /// An apply's first look: every host's facts in one exec each, without taking its lock but
    /// noting whether another run holds it.
    public func peek(_ catalog: Catalog) async -> [HostRun] {
        let (recompile, cache) = (self.recompile, factsCache)
        return await connectAll(runs(catalog)) { run, connection in
            let (facts, lock) = try await FactGathering.peek(run.catalog, over: connection)
            run.facts = facts
            run.lockWasFree = lock == .free
            try await Self.recompiled(&run, recompile, cache, over: connection)
        }
    }

    /// Hosts whose facts are the fresh Debian 12 baseline (`plan --offline`): nothing connects.
    public func assumeFresh(_ catalog: Catalog) -> [HostRun] {
        runs(catalog).map { run in
            var run = run
            run.facts = .freshDebian12(for: run.catalog)
            do {
                if try Self.recompiledAsksAgain(&run, recompile) { run.facts = .freshDebian12(for: run.catalog) }
            } catch {
                run.error = HostApplier.diagnostic(error, host: run.name, step: "facts")
            }
            return run
        }
    }

    /// Every host connected in parallel, then `facts` over its connection; a failure of either
    /// becomes the host's error.
    private func connectAll(_ runs: [HostRun],
                            facts: @escaping @Sendable (inout HostRun, HostConnection) async throws -> Void) async -> [HostRun] {
        let connect = self.connect
        return await Parallel.map(runs, width: forks) { run in
            var run = run
            do {
                let connection = try await connect(run.host)
                run.connection = connection
                try await facts(&run, connection)
            } catch {
                run.error = HostApplier.diagnostic(error, host: run.name, step: "facts")
            }
            return run
        }
    }

    /// The internal CA's certificates for every host that asks for one (a CA problem stops the run).
    public func withCertificates(_ runs: [HostRun]) throws -> [HostRun] {
        try runs.map { run in
            var run = run
            run.certificates = try issueCertificates(run.catalog)
            return run
        }
    }

    /// Plans every host that has facts; the first planning error becomes the host's error. Pure.
    public static func planned(_ runs: [HostRun]) -> [HostRun] { runs.map(planned) }

    static func planned(_ run: HostRun) -> HostRun {
        guard let facts = run.facts, run.error == nil else { return run }
        var run = run
        let (plan, diagnostics, payloads) = HostPlanner.planWithPayloads(catalog: run.catalog, facts: facts, certificates: run.certificates)
        run.payloads = payloads
        // The first error is the host's; the rest (more errors, the planner's warnings) are shown beside it.
        var others = diagnostics
        if let first = others.firstIndex(where: { $0.severity == .error }) { run.error = others.remove(at: first) }
        run.warnings = others
        run.plan = plan
        return run
    }

    /// After a planned first look: hosts with nothing to do (no step, the manifest as it would be
    /// written, no other run holding the lock) are settled — a no-op apply costs them one exec,
    /// like `plan`. Every other host takes its lock and gathers its facts again under it (an apply
    /// may have finished in between), and is planned again.
    public func settle(_ runs: [HostRun], lock: LockHolder, observer: ApplyObserver?) async -> [HostRun] {
        let (lockTimeout, retry) = (self.lockTimeout, lockRetryInterval)
        let settled = await Parallel.map(runs, width: forks) { run -> HostRun in
            var run = run
            guard run.error == nil, let plan = run.plan, let facts = run.facts, let connection = run.connection else { return run }
            let manifestCurrent = plan.manifest.map { $0 == facts.manifest.map(\.line) } ?? true
            if run.lockWasFree && plan.steps.isEmpty && manifestCurrent && plan.editMarkers == nil {
                run.settled = true
                return run
            }
            do {
                run.facts = try await FactGathering.gather(run.catalog, over: connection, lock: lock, lockTimeout: lockTimeout,
                                                           retryEvery: retry, observer: observer)
                run.lock = lock
            } catch {
                run.error = HostApplier.diagnostic(error, host: run.name, step: "lock")
            }
            return run
        }
        return settled.map { run in run.lock != nil && run.error == nil ? Self.planned(run) : run }
    }

    /// Releases the locks this run took (a declined or refused apply) — never another run's
    /// lock — and closes every connection.
    public func finish(_ runs: [HostRun]) async {
        await release(runs)
        await close(runs)
    }

    /// Releases the locks this run took on these hosts.
    func release(_ runs: [HostRun]) async {
        for run in runs {
            guard let connection = run.connection, let lock = run.lock else { continue }
            _ = try? await connection.run(Command(HostLock.releaseScript(for: lock), display: "release lock"))
        }
    }

    /// Closes every connection.
    public func close(_ runs: [HostRun]) async {
        for run in runs { await run.connection?.close() }
    }

    /// A new connection to the inventory host called `name` (a relay's source, a confirmation).
    func connect(named name: String) async throws -> HostConnection {
        guard let host = inventory.host(named: name) else {
            throw DiagnosticError(.error("'\(name)' is not a host of the inventory", host: name))
        }
        return try await connect(host)
    }
}
