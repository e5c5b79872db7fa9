import RampartBasics
import RampartLoading
import RampartModel

/// A server. The value is its handle: groups, plays, rolling hooks and firewall rules take it,
/// so a host that was never declared does not compile.
public struct Host: Sendable, PlayHosts {
    public let name: String
    let address: String?
    let connection: Connection?
    let vars: [String: Value]
    let at: SwiftLocation

    /// `address` left out: `name` is what ssh is given (and `~/.ssh/config` may map it).
    public init(_ name: String, address: String? = nil, connection: Connection? = nil, vars: [String: Value] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.name = name
        self.address = address
        self.connection = connection
        self.vars = vars
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    public var pattern: String { name }

    var declaration: Declaration {
        var entries: [(key: String, value: Declaration)] = []
        if let address { entries.append(("address", .value(.string(address), at: at.location))) }
        if let connection { entries.append(("connection", connection.declaration(at))) }
        if !vars.isEmpty { entries.append(("vars", .value(.map(vars), at: at.location))) }
        return .map(entries, at: at.location)
    }
}

/// A group of hosts (and of other groups). The value is its handle, as a host's.
public struct Group: Sendable, PlayHosts {
    public let name: String
    let hosts: [Host]
    let children: [Group]
    let connection: Connection?
    let vars: [String: Value]
    let at: SwiftLocation

    public init(_ name: String, hosts: [Host] = [], children: [Group] = [], connection: Connection? = nil, vars: [String: Value] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.name = name
        self.hosts = hosts
        self.children = children
        self.connection = connection
        self.vars = vars
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    init(copying group: Group, hosts: [Host], children: [Group]) {
        name = group.name
        self.hosts = hosts
        self.children = children
        connection = group.connection
        vars = group.vars
        at = group.at
    }

    /// Every host of the inventory (the built-in group; not declared).
    public static let all = Group("all")

    public var pattern: String { name }

    var declaration: Declaration {
        var entries: [(key: String, value: Declaration)] = [("hosts", .value(.strings(hosts.map(\.name)), at: at.location))]
        if !children.isEmpty { entries.append(("children", .value(.strings(children.map(\.name)), at: at.location))) }
        if let connection { entries.append(("connection", connection.declaration(at))) }
        if !vars.isEmpty { entries.append(("vars", .value(.map(vars), at: at.location))) }
        return .map(entries, at: at.location)
    }
}

/// What a play runs on: a host, a group, or a pattern (`"webservers:!web2"`, checked when loaded).
/// (Named apart from the model's `HostSelection`, the parsed `--limit`.)
public protocol PlayHosts: Sendable {
    var pattern: String { get }
}

/// A host pattern written as text, for what a handle cannot say (exclusions, globs).
public struct HostPattern: PlayHosts {
    public let pattern: String
    public init(_ pattern: String) { self.pattern = pattern }
}

/// One host named by handle, or the first host of a group as it is when the site is planned
/// (`{{ groups.NAME.0 }}`: it follows `rampart db promote` and edits of the group).
public struct HostTarget: Sendable {
    public let template: String
    public static func host(_ host: Host) -> HostTarget { HostTarget(template: host.name) }
    public static func first(of group: Group) -> HostTarget { HostTarget(template: "{{ groups.\(group.name).0 }}") }
}

/// How hosts are reached: the YAML inventory's `connection:` (nil fields: the defaults).
public struct Connection: Sendable {
    public enum HostKeyChecking: String, Sendable { case strict, acceptNew = "accept-new", off }

    public var port: Port?
    public var user: String?
    public var key: String?
    public var knownHosts: String?
    public var hostKeyChecking: HostKeyChecking?
    public var become: Bool?
    public var connectTimeout: Double?
    public var commandTimeout: Double?
    public var bootstrapUser: String?
    public var keepaliveInterval: Int?
    public var sshConfig: String?
    /// Jump hosts in order (`ProxyJump`): other hosts of the inventory.
    public var jump: [Host]?

    public init(port: Port? = nil, user: String? = nil, key: String? = nil, knownHosts: String? = nil,
                hostKeyChecking: HostKeyChecking? = nil, become: Bool? = nil, connectTimeout: Double? = nil,
                commandTimeout: Double? = nil, bootstrapUser: String? = nil, keepaliveInterval: Int? = nil,
                sshConfig: String? = nil, jump: [Host]? = nil) {
        self.port = port
        self.user = user
        self.key = key
        self.knownHosts = knownHosts
        self.hostKeyChecking = hostKeyChecking
        self.become = become
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.bootstrapUser = bootstrapUser
        self.keepaliveInterval = keepaliveInterval
        self.sshConfig = sshConfig
        self.jump = jump
    }

    func declaration(_ at: SwiftLocation) -> Declaration {
        var fields = DeclaredFields(at)
        fields["port"] = port.map { .int(Int($0.number)) }
        fields["user"] = user.map(Value.string)
        fields["key"] = key.map(Value.string)
        fields["known_hosts"] = knownHosts.map(Value.string)
        fields["host_key_checking"] = hostKeyChecking.map { .string($0.rawValue) }
        fields["become"] = become.map(Value.bool)
        fields["connect_timeout"] = connectTimeout.map(Value.double)
        fields["command_timeout"] = commandTimeout.map(Value.double)
        fields["bootstrap_user"] = bootstrapUser.map(Value.string)
        fields["keepalive_interval"] = keepaliveInterval.map(Value.int)
        fields["ssh_config"] = sshConfig.map(Value.string)
        fields["jump"] = jump.map { .strings($0.map(\.name)) }
        return .map(fields.entries, at: at.location)
    }
}

/// The servers and how to reach them: the YAML inventory's model.
public struct Inventory: Sendable {
    /// Read as if it were the file `<folder>/<name>.yml`: relative paths (key, known_hosts, the
    /// vault password file) resolve against `folder`, and variables are also read from
    /// `<folder>/group_vars/`, `<folder>/host_vars/` and `<folder>/<name>/…` — the vault files
    /// keep their secrets out of the Swift source.
    public let name: String
    public let folder: String
    let hosts: [Host]
    let groups: [Group]
    let connection: Connection?
    let vars: [String: Value]
    let vaultPasswordFile: String?
    let caDirectory: String?
    let at: SwiftLocation

    public init(_ name: String, folder: String = "inventories", connection: Connection? = nil, vars: [String: Value] = [:],
                vaultPasswordFile: String? = nil, caDirectory: String? = nil, hosts: [Host], groups: [Group] = [],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.name = name
        self.folder = folder
        self.hosts = hosts
        self.groups = groups
        self.connection = connection
        self.vars = vars
        self.vaultPasswordFile = vaultPasswordFile
        self.caDirectory = caDirectory
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    init(copying inventory: Inventory, groups: [Group]) {
        name = inventory.name
        folder = inventory.folder
        hosts = inventory.hosts
        self.groups = groups
        connection = inventory.connection
        vars = inventory.vars
        vaultPasswordFile = inventory.vaultPasswordFile
        caDirectory = inventory.caDirectory
        at = inventory.at
    }

    /// The groups declared and the groups they hold, each once, parents first.
    var allGroups: [Group] {
        var seen: Set<String> = []
        var ordered: [Group] = []
        func visit(_ group: Group) {
            guard seen.insert(group.name).inserted else { return }
            ordered.append(group)
            group.children.forEach(visit)
        }
        groups.forEach(visit)
        return ordered
    }

    var declaration: Declaration {
        var entries: [(key: String, value: Declaration)] = []
        if let vaultPasswordFile { entries.append(("vault", .map([("password_file", .value(.string(vaultPasswordFile), at: at.location))], at: at.location))) }
        if let caDirectory { entries.append(("ca", .map([("directory", .value(.string(caDirectory), at: at.location))], at: at.location))) }
        if let connection { entries.append(("connection", connection.declaration(at))) }
        if !vars.isEmpty { entries.append(("vars", .value(.map(vars), at: at.location))) }
        entries.append(("hosts", .map(hosts.map { ($0.name, $0.declaration) }, at: at.location)))
        let groups = allGroups
        if !groups.isEmpty { entries.append(("groups", .map(groups.map { ($0.name, $0.declaration) }, at: at.location))) }
        return .map(entries, at: at.location)
    }
}
