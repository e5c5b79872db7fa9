import RampartBasics

/// A named bundle of resources with parameters, applied to hosts by plays.
public struct Role: Sendable, Hashable, Codable {
    public var name: String
    public var summary: String?
    /// Parameter defaults; the lowest precedence of all variables.
    public var defaults: [String: Value]
    /// Parameters a play must pass (or the inventory must define) because they have no default.
    public var required: [String]
    /// Roles applied before this one on the same host.
    public var depends: [String]
    public var resources: [Resource]
    /// Checked on every host the role is applied to, before any of its resources.
    public var assertions: [Assertion]
    public var declared: Provenance

    public init(_ name: String, summary: String? = nil, defaults: [String: Value] = [:], required: [String] = [],
                depends: [String] = [], resources: [Resource] = [], assertions: [Assertion] = [], declared: Provenance = Provenance()) {
        self.name = name
        self.summary = summary
        self.defaults = defaults
        self.required = required
        self.depends = depends
        self.resources = resources
        self.assertions = assertions
        self.declared = declared
    }

    /// Every parameter the role accepts.
    public var parameters: [String] { (Array(defaults.keys) + required).sorted() }
}

/// A role as a play uses it: its name and the parameters passed to it.
public struct RoleUse: Sendable, Hashable, Codable {
    public var role: String
    /// Values for the role's parameters; they beat inventory variables (like Ansible's role params).
    public var parameters: [String: Value]
    /// The role's resources apply only where this holds (`- nginx: { when: … }`).
    public var when: Condition?
    public var declared: Provenance

    public init(_ role: String, parameters: [String: Value] = [:], when: Condition? = nil, declared: Provenance = Provenance()) {
        self.role = role
        self.parameters = parameters
        self.when = when
        self.declared = declared
    }
}

/// Which roles apply to which hosts, and how the hosts are rolled.
public struct Play: Sendable, Hashable, Codable {
    public var name: String
    /// A host pattern like `--limit` takes: a group, a host, globs, `!exclusions`.
    public var hosts: String
    public var roles: [RoleUse]
    /// Apply this many hosts at a time (a rolling update); nil applies all at once.
    public var serial: Int?
    /// Run on another host before each rolled host is changed (e.g. drain it in the load balancer).
    public var beforeEach: RollingHook?
    /// Run on that host after each rolled host, even when its apply failed (e.g. re-enable it).
    public var afterEach: RollingHook?
    /// Plays whose hosts must finish before this play's hosts start (cross-host order).
    public var after: [String]
    /// The play's roles apply only to the hosts where this holds.
    public var when: Condition?
    public var declared: Provenance

    public init(_ name: String, hosts: String, roles: [RoleUse], serial: Int? = nil, after: [String] = [],
                beforeEach: RollingHook? = nil, afterEach: RollingHook? = nil, when: Condition? = nil, declared: Provenance = Provenance()) {
        self.when = when
        self.beforeEach = beforeEach
        self.afterEach = afterEach
        self.name = name
        self.hosts = hosts
        self.roles = roles
        self.serial = serial
        self.after = after
        self.declared = declared
    }
}

/// A command a rolling play runs on another host around each host it changes. `run` is a
/// template: `{{ inventory_hostname }}` is the host being rolled.
public struct RollingHook: Sendable, Hashable, Codable {
    /// The inventory host the command runs on.
    public var on: String
    public var run: String

    public init(on: String, run: String) {
        self.on = on
        self.run = run
    }
}

/// The playbook: plays in order plus every role they can use.
public struct Playbook: Sendable, Hashable, Codable {
    public var name: String
    public var plays: [Play]
    /// Roles by name: those written inside the playbook and those loaded from `roles/`.
    public var roles: [String: Role]
    public var declared: Provenance

    public init(_ name: String, plays: [Play], roles: [Role] = [], declared: Provenance = Provenance()) {
        self.name = name
        self.plays = plays
        self.roles = Dictionary(roles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.declared = declared
    }
}
