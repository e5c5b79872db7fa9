import RampartBasics

/// One host's concrete desired state: every template rendered, every reference checked,
/// resources in the order they must be applied.
public struct HostCatalog: Sendable, Hashable, Codable {
    public var host: String
    /// The playbook's name (its manifest on the host is named after it).
    public var playbook: String
    public var address: String
    /// The plays that include this host, in playbook order.
    public var plays: [String]
    /// Hosts that must finish before this one starts (from the plays' `after:`).
    public var waitsFor: [String]
    /// Resources in dependency order (declaration order unless `requires`/`subscribes` say otherwise).
    public var resources: [Resource]
    /// The host's `apt_proxy` variable: packages are fetched through it.
    public var aptProxy: String?
    /// Set when a rolling play includes the host: the roll's name, size and hooks (rendered for this host).
    public var rolling: Rolling?

    public init(host: String, playbook: String = "default", address: String, plays: [String] = [], waitsFor: [String] = [], resources: [Resource] = [],
                aptProxy: String? = nil) {
        self.host = host
        self.playbook = playbook
        self.address = address
        self.plays = plays
        self.waitsFor = waitsFor
        self.resources = resources
        self.aptProxy = aptProxy
    }

    public func resource(_ id: ResourceID) -> Resource? { resources.first { $0.id == id } }
}

/// A host's part in a rolling play.
public struct Rolling: Sendable, Hashable, Codable {
    /// The play's name: hosts of one roll go `serial` at a time, in inventory order.
    public var play: String
    public var serial: Int
    public var before: RollingHook?
    public var after: RollingHook?

    public init(play: String, serial: Int, before: RollingHook?, after: RollingHook?) {
        self.play = play
        self.serial = serial
        self.before = before
        self.after = after
    }
}

/// Every selected host's catalog: what the planner compares with each host's facts.
public struct Catalog: Sendable, Hashable, Codable {
    public var hosts: [HostCatalog]

    public init(hosts: [HostCatalog]) { self.hosts = hosts }

    public subscript(host: String) -> HostCatalog? { hosts.first { $0.host == host } }
}
