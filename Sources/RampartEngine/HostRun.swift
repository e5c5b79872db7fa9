import RampartApply
import RampartFacts
import RampartModel
import RampartPlan
import RampartRemote
import RampartBasics

/// One host during a plan or an apply, as a value: each stage of the engine returns the hosts
/// with what it learned (connection, facts, plan) or why the host failed.
public struct HostRun: Sendable {
    public let host: RampartModel.Host
    /// Compiled again with the host's gathered facts when a template read them (`Engine.recompile`).
    public internal(set) var catalog: HostCatalog
    public internal(set) var connection: HostConnection?
    public internal(set) var facts: HostFacts?
    public internal(set) var plan: HostPlan?
    public internal(set) var error: Diagnostic?
    /// Problems planning found beyond the first error (shown, not fatal on their own).
    public internal(set) var warnings: [Diagnostic] = []
    /// The lock this run holds on the host (taken with its facts), nil when it holds none.
    public internal(set) var lock: LockHolder?
    /// Gathered without the lock, which no other run held either (see `Engine.settle`).
    var lockWasFree = false
    /// Converged and unlocked at the first look: an apply has nothing to do or release here.
    public internal(set) var settled = false
    /// Certificates the control node's CA issued for this host's certificate resources.
    var certificates: [ResourceID: CertificateMaterial] = [:]
    /// Clear bytes of the plan's sensitive payloads (from planning; never written anywhere).
    var payloads: [String: [UInt8]] = [:]

    init(host: Host, catalog: HostCatalog) {
        self.host = host
        self.catalog = catalog
    }

    var name: String { host.name }

    /// Exec channels this host's connection has opened.
    public var execs: Int { connection?.execCount ?? 0 }
}

extension Array where Element == HostRun {
    /// The first error of each failed host, by host name.
    public var errors: [String: Diagnostic] {
        Dictionary(compactMap { run in run.error.map { (run.name, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The plans of the hosts that have one and no error.
    public var plans: [HostPlan] { compactMap { $0.error == nil ? $0.plan : nil } }
}
