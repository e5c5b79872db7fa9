import Foundation
import Rampart
import RampartApply
import RampartBasics
import RampartCA
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
    /// This run holds the host's lock (taken with its facts).
    var locked = false
    /// Gathered without the lock, which no other apply held either (see `Engine.settle`).
    var lockWasFree = false
    /// Converged and unlocked at the first look: an apply has nothing to do or release here.
    var settled = false
    /// Certificates the control node's CA issued for this host's certificate resources.
    var certificates: [ResourceID: CertificateMaterial] = [:]
    /// Clear bytes of the plan's sensitive payloads (from planning; never written anywhere).
    var payloads: [String: [UInt8]] = [:]

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
        await connectAll(project: project, catalog: catalog, forks: forks) { session, connection in
            session.facts = try await FactGathering.gather(session.catalog, over: connection, lock: lock,
                                                           lockTimeout: lockTimeout, observer: observer)
            session.locked = lock
        }
    }

    /// An apply's first look: every host's facts in one exec each, without taking its lock but
    /// noting whether another apply holds it.
    static func peek(project: Project, catalog: Catalog, forks: Int) async -> [HostSession] {
        await connectAll(project: project, catalog: catalog, forks: forks) { session, connection in
            let (facts, holder) = try await FactGathering.peek(session.catalog, over: connection)
            session.facts = facts
            session.lockWasFree = holder == nil
        }
    }

    /// A session per catalog host, connected in parallel, then `facts` over its connection; a
    /// failure of either becomes the host's error.
    private static func connectAll(project: Project, catalog: Catalog, forks: Int,
                                   facts: @escaping @Sendable (HostSession, SSHConnection) async throws -> Void) async -> [HostSession] {
        let factory = ConnectionFactory(inventory: project.inventory)
        let sessions = catalog.hosts.compactMap { c in project.inventory.host(named: c.host).map { HostSession(host: $0, catalog: c) } }
        let byName = Dictionary(uniqueKeysWithValues: sessions.map { ($0.host.name, $0) })
        _ = await ParallelHosts.run(sessions.map(\.host), forks: forks) { host in
            let session = byName[host.name]!
            do {
                let connection = try await factory.connect(host)
                session.connection = connection
                try await facts(session, connection)
            } catch {
                session.error = HostApplier.diagnostic(error, host: host.name, step: "facts")
            }
            return true
        }
        return sessions
    }

    /// After a planned first look: hosts with nothing to do (no step, the manifest as it would be
    /// written, no other apply holding the lock) are settled — a no-op apply costs them one exec,
    /// like `plan`. Every other host takes its lock and gathers its facts again under it (an apply
    /// may have finished in between), to be planned again.
    static func settle(_ sessions: [HostSession], forks: Int, lockTimeout: Double, observer: ApplyObserver?) async {
        var unsettled: [HostSession] = []
        for session in sessions where session.error == nil {
            guard let plan = session.plan, let facts = session.facts else { continue }
            let manifestCurrent = plan.manifest.map { $0 == facts.manifest.map(\.id) } ?? true
            if session.lockWasFree && plan.steps.isEmpty && manifestCurrent { session.settled = true } else { unsettled.append(session) }
        }
        let waiting = unsettled
        _ = await ParallelHosts.run(waiting.map(\.host), forks: forks) { host in
            let session = waiting.first { $0.host.name == host.name }!
            do {
                session.facts = try await FactGathering.gather(session.catalog, over: session.connection!, lock: true,
                                                               lockTimeout: lockTimeout, observer: observer)
                session.locked = true
            } catch {
                session.error = HostApplier.diagnostic(error, host: host.name, step: "lock")
            }
            return true
        }
        plan(unsettled)
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
            let (plan, diagnostics, payloads) = HostPlanner.planWithPayloads(catalog: session.catalog, facts: facts,
                                                                              certificates: session.certificates)
            session.payloads = payloads
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
            guard let connection = session.connection, session.locked else { continue }
            _ = try? await connection.run(Command(HostLock.releaseScript, display: "release lock"))
        }
    }

    static func close(_ sessions: [HostSession]) async {
        for session in sessions { await session.connection?.close() }
    }

    /// Issues (or reuses) every internal-CA certificate the catalog asks for — the CA is opened,
    /// or created, only when there is one.
    static func issueCertificates(project: Project, sessions: [HostSession]) throws {
        var authority: CertificateAuthority?
        for session in sessions {
            for resource in session.catalog.resources {
                guard case .certificate(let c) = resource.spec, c.issuer == .internal else { continue }
                if authority == nil { authority = try CertificateAuthority.open(for: project.inventory, vault: Diagnostics.vaultPassword) }
                let issued = try authority!.leaf(host: session.host.name, name: c.name, commonName: c.commonName,
                                                 subjectAltNames: c.subjectAltNames, validDays: c.validDays, renewBefore: c.renewBefore)
                session.certificates[resource.id] = CertificateMaterial(certificatePEM: issued.certificatePEM, privateKey: issued.privateKey,
                                                                        caPEM: authority!.certificatePEM)
            }
        }
    }

    /// Clear bytes of a sensitive payload for the applier, from planning this run (a saved plan
    /// is re-planned from the same facts; the applier checks every payload against its hash).
    static func payloads(_ sessions: [HostSession]) -> PayloadSource {
        let byHost = Dictionary(uniqueKeysWithValues: sessions.map { ($0.host.name, $0.payloads) })
        return { host, key in byHost[host]?[key] }
    }

    /// Runs a command on another inventory host for a relayed payload: over that host's open
    /// connection when it is in this run, else over a connection opened for it.
    static func relay(project: Project, sessions: [HostSession]) -> RelaySource {
        let open = Dictionary(uniqueKeysWithValues: sessions.compactMap { s in s.connection.map { (s.host.name, $0) } })
        let factory = ConnectionFactory(inventory: project.inventory)
        return { source, command in
            var opened: SSHConnection?
            let connection: HostConnection
            if let existing = open[source] { connection = existing } else {
                let fresh = try await factory.connect(named: source)
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
