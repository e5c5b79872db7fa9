import Foundation
import RampartBasics
import RampartModel
import RampartFacts
import RampartRemote

/// Gathers one host's facts in one exec — and, for an apply, takes the on-host lock in that
/// same exec, retrying while another apply holds it.
public enum FactGathering {
    /// Facts without taking the lock, and whether another run holds it, in one exec: an apply
    /// whose host turns out converged and unlocked is done after this single round trip.
    public static func peek(_ catalog: HostCatalog, over connection: HostConnection) async throws -> (facts: HostFacts, lock: LockStatus) {
        let batch = ProbeBatch(catalog: catalog)
        let output = try await batch.run(over: connection, prefix: HostLock.peekScript(), display: "gather facts")
        return (batch.parse(output), HostLock.status(in: output))
    }

    /// Facts in one exec; with `lock`, taken under the host's lock for `holder`, waiting up to
    /// `lockTimeout` seconds for another run to release it, looking again every `retryEvery`
    /// seconds (an abandoned lock is taken over at once).
    public static func gather(_ catalog: HostCatalog, over connection: HostConnection, lock holder: LockHolder?,
                              lockTimeout: Double = 300, retryEvery: Double = 2, observer: ApplyObserver? = nil) async throws -> HostFacts {
        let batch = ProbeBatch(catalog: catalog)
        guard let holder else { return try await batch.gather(over: connection) }
        let started = Monotonic.now()
        var announced = false
        var abandoned: String?
        while true {
            let output = try await batch.run(over: connection, prefix: HostLock.acquireScript(for: holder, replacing: abandoned),
                                             display: "lock and gather facts")
            let status = HostLock.status(in: output)
            let who = status.holderDescription ?? "(unknown)"
            switch status {
            case .acquired, .free: return batch.parse(output)
            case .failed(let reason):
                throw DiagnosticError(.error("taking the lock failed: \(reason)", host: catalog.host, step: "lock"))
            case .busy(let record, let age):
                if record != abandoned && HostLock.isAbandoned(record: record, age: age) {
                    // A killed run: its handlers are in the journal; carry on where it stopped.
                    let why = LockHolder(record: record)?.isGoneFromThisMachine == true ? "which no longer runs" : "older than \(HostLock.staleAfter / 60) minutes"
                    observer?.event(.waiting(host: catalog.host, reason: "the lock was left by \(who), \(why): taking it over"))
                    abandoned = record
                    continue
                }
            }
            if Monotonic.now() - started > lockTimeout {
                throw DiagnosticError(.error("another apply holds the lock on this host: \(who)",
                                             hint: "wait for it to finish; a killed run's lock is taken over at once from the same machine, from another after \(HostLock.staleAfter / 60) minutes (or remove \(HostPaths.lock) by hand)",
                                             host: catalog.host, step: "lock"))
            }
            if !announced {
                observer?.event(.waiting(host: catalog.host, reason: "another apply holds the lock (\(who)); waiting up to \(Int(lockTimeout)) s"))
                announced = true
            }
            try await Task.sleep(nanoseconds: UInt64(retryEvery * 1_000_000_000))
        }
    }
}
