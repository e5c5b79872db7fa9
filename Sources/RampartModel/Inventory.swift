import RampartBasics

/// A server Rampart manages: its name, address, how to connect, and its own variables.
public struct Host: Sendable, Hashable {
    public var name: String
    public var address: String
    /// Settings written on the host itself; `Inventory.connection(for:)` resolves inheritance.
    public var connection: ConnectionSettings
    public var vars: [String: Value]
    /// Where the host was declared, for diagnostics; ignored by `==`.
    public var declared: Provenance

    public init(_ name: String, address: String, connection: ConnectionSettings = ConnectionSettings(),
                vars: [String: Value] = [:], declared: Provenance = Provenance()) {
        self.name = name
        self.address = address
        self.connection = connection
        self.vars = vars
        self.declared = declared
    }
}

/// A named set of hosts and child groups, with settings and variables for its members.
public struct Group: Sendable, Hashable {
    public var name: String
    public var hosts: [String]
    public var children: [String]
    public var connection: ConnectionSettings
    public var vars: [String: Value]
    public var declared: Provenance

    public init(_ name: String, hosts: [String] = [], children: [String] = [],
                connection: ConnectionSettings = ConnectionSettings(), vars: [String: Value] = [:],
                declared: Provenance = Provenance()) {
        self.name = name
        self.hosts = hosts
        self.children = children
        self.connection = connection
        self.vars = vars
        self.declared = declared
    }
}

/// The servers and how they are grouped: the user's description of the fleet.
public struct Inventory: Sendable, Hashable {
    public var hosts: [Host]
    public var groups: [Group]
    /// Connection defaults for every host.
    public var connection: ConnectionSettings
    /// Variables for every host (the `all` level).
    public var vars: [String: Value]
    /// Where the internal CA lives on the control node (`ca: { directory: }`); nil: the default,
    /// `.rampart/ca-<inventory name>/` beside the inventory file.
    public var caDirectory: String?
    /// A file holding the vault password for this inventory (`vault: { password_file: }`), used
    /// when RAMPART_VAULT_PASSWORD_FILE is not set — for a lab whose secrets are not secret.
    public var vaultPasswordFile: String?
    /// The file it was loaded from, if any; ignored by `==`.
    public var declared: Provenance

    public init(hosts: [Host], groups: [Group] = [], connection: ConnectionSettings = ConnectionSettings(),
                vars: [String: Value] = [:], declared: Provenance = Provenance()) {
        self.hosts = hosts
        self.groups = groups
        self.connection = connection
        self.vars = vars
        self.declared = declared
    }

    public func host(named name: String) -> Host? { hosts.first { $0.name == name } }
    public func group(named name: String) -> Group? { groups.first { $0.name == name } }

    /// Every host of `group`, including those of its child groups, in inventory order.
    public func members(of group: String) -> [String] {
        if group == "all" { return hosts.map(\.name) }
        var seen: Set<String> = []
        var result: Set<String> = []
        func visit(_ name: String) {
            guard seen.insert(name).inserted, let g = self.group(named: name) else { return }
            result.formUnion(g.hosts)
            g.children.forEach(visit)
        }
        visit(group)
        return hosts.map(\.name).filter(result.contains)
    }

    /// Groups `host` belongs to, directly or through a child group, ordered parents before children.
    public func groups(of host: String) -> [Group] {
        groups.filter { members(of: $0.name).contains(host) }
            .sorted { depth(of: $0.name) < depth(of: $1.name) }
    }

    /// True when `ancestor` contains `group` through one or more `children` links.
    public func isAncestor(_ ancestor: String, of group: String) -> Bool {
        guard ancestor != group else { return false }
        var seen: Set<String> = []
        func visit(_ name: String) -> Bool {
            guard seen.insert(name).inserted, let g = self.group(named: name) else { return false }
            return g.children.contains(group) || g.children.contains(where: visit)
        }
        return visit(ancestor)
    }

    /// Nesting depth of a group: 0 for a top-level group, parent + 1 for a child.
    public func depth(of group: String) -> Int {
        var best = 0
        var visiting: Set<String> = []
        func walk(_ name: String, _ level: Int) {
            guard visiting.insert(name).inserted else { return }
            defer { visiting.remove(name) }
            best = max(best, level)
            for parent in groups where parent.children.contains(name) { walk(parent.name, level + 1) }
        }
        walk(group, 0)
        return best
    }

    /// Effective connection settings: host, then its groups from deepest to shallowest, then defaults.
    public func connection(for host: Host) -> ConnectionSettings {
        var settings = host.connection
        for group in groups(of: host.name).reversed() { settings = settings.inheriting(from: group.connection) }
        return settings.inheriting(from: connection)
    }
}
