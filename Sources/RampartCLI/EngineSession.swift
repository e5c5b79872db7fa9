import Foundation
import Rampart
import RampartApply
import RampartBasics
import RampartCatalog
import RampartFacts
import RampartModel
import RampartPlan
import RampartRemote
import RampartSSH

/// One host during a plan or apply: its catalog, connection, facts and plan, or why it failed.
final class HostSession: @unchecked Sendable {
    let host: Host
    let catalog: HostCatalog
    var connection: SSHConnection?
    var facts: HostFacts?
    var plan: HostPlan?
    var error: Diagnostic?

    init(host: Host, catalog: HostCatalog) {
        self.host = host
        self.catalog = catalog
    }
}

/// The composition of loader, catalog, SSH, facts and planner that `plan` and `apply` share.
enum Engine {
    /// Connects to every host of the catalog in parallel and gathers its facts in one exec
    /// (taking the on-host lock in that exec when `lock`).
    static func gather(project: Project, catalog: Catalog, lock: Bool, forks: Int, lockTimeout: Double,
                       observer: ApplyObserver?) async -> [HostSession] {
        let factory = ConnectionFactory(inventory: project.inventory)
        let sessions = catalog.hosts.compactMap { c in project.inventory.host(named: c.host).map { HostSession(host: $0, catalog: c) } }
        _ = await ParallelHosts.run(sessions.map(\.host), forks: forks) { host in
            let session = sessions.first { $0.host.name == host.name }!
            do {
                let connection = try await factory.connect(host)
                session.connection = connection
                session.facts = try await FactGathering.gather(session.catalog, over: connection, lock: lock,
                                                               lockTimeout: lockTimeout, observer: observer)
            } catch {
                session.error = HostApplier.diagnostic(error, host: host.name, step: "facts")
            }
            return true
        }
        return sessions
    }

    /// Sessions whose facts are the fresh Debian 12 baseline (`plan --offline`): nothing connects.
    static func assumeFresh(project: Project, catalog: Catalog) -> [HostSession] {
        catalog.hosts.compactMap { c in
            project.inventory.host(named: c.host).map { host in
                let session = HostSession(host: host, catalog: c)
                session.facts = .freshDebian12(for: c)
                return session
            }
        }
    }

    /// Plans every host that has facts; planning problems become the host's error.
    static func plan(_ sessions: [HostSession]) {
        for session in sessions {
            guard let facts = session.facts, session.error == nil else { continue }
            let (plan, diagnostics) = HostPlanner.plan(catalog: session.catalog, facts: facts)
            if let first = diagnostics.first(where: { $0.severity == .error }) {
                session.error = first
                for other in diagnostics.dropFirst() { Diagnostics.print(other) }
            }
            session.plan = plan
        }
    }

    /// Releases locks without changing anything (a declined or refused apply). Only hosts whose
    /// lock this run took (their facts were gathered under it): never another apply's lock.
    static func release(_ sessions: [HostSession]) async {
        for session in sessions {
            guard let connection = session.connection, session.facts != nil else { continue }
            _ = try? await connection.run(Command(HostLock.releaseScript, display: "release lock"))
        }
    }

    static func close(_ sessions: [HostSession]) async {
        for session in sessions { await session.connection?.close() }
    }

    /// Clear bytes of a sensitive file for the applier, from the freshly compiled catalog.
    static func payloads(_ catalog: Catalog) -> PayloadSource {
        { host, path in
            guard case .file(let file)? = catalog[host]?.resource(.file(path))?.spec, let content = file.content else { return nil }
            return Array(content.revealed().utf8)
        }
    }
}
