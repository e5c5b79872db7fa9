import Foundation
import RampartBasics
import RampartCatalog
import RampartFacts
import RampartRemote

/// Gathers one host's facts in one exec — and, for an apply, takes the on-host lock in that
/// same exec, retrying while another apply holds it.
public enum FactGathering {
    /// Facts without taking the lock, and who holds it (nil when free), in one exec: an apply
    /// whose host turns out converged and unlocked is done after this single round trip.
    public static func peek(_ catalog: HostCatalog, over connection: HostConnection) async throws -> (facts: HostFacts, holder: String?) {
        let batch = ProbeBatch(catalog: catalog)
        let output = try await batch.run(over: connection, prefix: HostLock.peekScript, display: "gather facts")
        return (batch.parse(output), HostLock.holder(in: output))
    }

    public static func gather(_ catalog: HostCatalog, over connection: HostConnection, lock: Bool,
                              lockTimeout: Double = 300, observer: ApplyObserver? = nil) async throws -> HostFacts {
        let batch = ProbeBatch(catalog: catalog)
        guard lock else { return try await batch.gather(over: connection) }
        let owner = HostLock.ownerDescription()
        let started = Monotonic.now()
        var announced = false
        var abandoned: String?
        while true {
            let output = try await batch.run(over: connection, prefix: HostLock.acquireScript(owner: owner, takingOver: abandoned),
                                             display: "lock and gather facts")
            guard let holder = HostLock.holder(in: output) else { return batch.parse(output) }
            if holder != abandoned && HostLock.isAbandoned(holder) {
                // A run on this machine that was killed: its handlers are in the journal; carry on.
                observer?.event(.waiting(host: catalog.host, reason: "the lock was left by \(holder), which no longer runs: taking it over"))
                abandoned = holder
                continue
            }
            if Monotonic.now() - started > lockTimeout {
                throw DiagnosticError(.error("another apply holds the lock on this host: \(holder.isEmpty ? "(unknown)" : String(holder))",
                                             hint: "wait for it to finish; a killed run's lock is taken over at once from the same machine, from another after \(HostLock.staleAfter / 60) minutes (or remove \(HostPaths.lock) by hand)",
                                             host: catalog.host, step: "lock"))
            }
            if !announced {
                observer?.event(.waiting(host: catalog.host, reason: "another apply holds the lock (\(holder)); waiting up to \(Int(lockTimeout)) s"))
                announced = true
            }
            try await Task.sleep(nanoseconds: 2_000_000_000)
        }
    }
}
