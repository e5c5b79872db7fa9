import RampartBasics

/// A role's check of what it is given (`assert:`, Ansible's assert): a condition and the message
/// a host that fails it stops with. The catalog decides what variables decide; what reads facts
/// stays in the host's catalog for the planner, which decides it on the gathered facts.
public struct Assertion: Sendable, Hashable, Codable {
    public var that: Condition
    /// Rendered per host in a catalog.
    public var message: String
    public var declared: Provenance

    public init(that: Condition, message: String, declared: Provenance = Provenance()) {
        self.that = that
        self.message = message
        self.declared = declared
    }
}
