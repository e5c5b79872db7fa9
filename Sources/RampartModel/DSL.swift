import RampartBasics

// A small result-builder DSL so the same model can be written in Swift:
//
//     let site = Playbook("site", roles: {
//         Role("web") {
//             Package("nginx")
//             File("/etc/nginx/nginx.conf", template: "nginx/nginx.conf.j2", validate: "nginx -t -c %s")
//             Service("nginx", refresh: .reload).subscribes(.file("/etc/nginx/nginx.conf"))
//         }
//     }) {
//         Play("web", hosts: "webservers") { RoleUse("web") }
//     }

/// Anything that stands for a resource in a role's DSL block.
public protocol ResourceConvertible {
    var resource: Resource { get }
}

extension Resource: ResourceConvertible {
    public var resource: Resource { self }
}

extension ResourceConvertible {
    /// This resource after the given ones.
    public func requires(_ ids: ResourceID...) -> Resource {
        var copy = resource
        copy.requires += ids
        return copy
    }

    /// One copy of this resource per item, each seeing it as `{{ item }}` (see `Resource.loop`).
    public func loop(_ items: String...) -> Resource {
        var copy = resource
        copy.loop += items
        return copy
    }

    /// This resource refreshes (reload, restart, run) when one of the given ones changes.
    public func subscribes(_ ids: ResourceID...) -> Resource {
        var copy = resource
        copy.subscribes += ids
        return copy
    }
}

/// Collects the elements of a DSL block, allowing `if`, `for` and optional elements.
@resultBuilder
public enum ListBuilder<Element> {
    public static func buildExpression(_ element: Element) -> [Element] { [element] }
    public static func buildExpression(_ element: some ResourceConvertible) -> [Resource] where Element == Resource { [element.resource] }
    public static func buildExpression(_ elements: [Element]) -> [Element] { elements }
    public static func buildBlock(_ parts: [Element]...) -> [Element] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Element]?) -> [Element] { part ?? [] }
    public static func buildEither(first: [Element]) -> [Element] { first }
    public static func buildEither(second: [Element]) -> [Element] { second }
    public static func buildArray(_ parts: [[Element]]) -> [Element] { parts.flatMap { $0 } }
}

extension Inventory {
    public init(connection: ConnectionSettings = ConnectionSettings(), vars: [String: Value] = [:],
                @ListBuilder<Host> hosts: () -> [Host], @ListBuilder<Group> groups: () -> [Group] = { [] }) {
        self.init(hosts: hosts(), groups: groups(), connection: connection, vars: vars)
    }
}

extension Role {
    public init(_ name: String, summary: String? = nil, defaults: [String: Value] = [:], required: [String] = [],
                depends: [String] = [], @ListBuilder<Resource> resources: () -> [Resource]) {
        self.init(name, summary: summary, defaults: defaults, required: required, depends: depends,
                  resources: resources())
    }
}

extension Play {
    public init(_ name: String, hosts: String, serial: Int? = nil, after: [String] = [],
                @ListBuilder<RoleUse> roles: () -> [RoleUse]) {
        self.init(name, hosts: hosts, roles: roles(), serial: serial, after: after)
    }
}

extension Playbook {
    public init(_ name: String, @ListBuilder<Role> roles: () -> [Role] = { [] },
                @ListBuilder<Play> plays: () -> [Play]) {
        self.init(name, plays: plays(), roles: roles())
    }
}

// Leading-dot constructors for resources, mirroring the YAML kinds.
extension Resource {
    public static func package(_ name: String, state: PackageResource.State = .present, version: String? = nil,
                               installRecommends: Bool? = nil) -> Resource {
        Resource(.package(PackageResource(name, state: state, version: version, installRecommends: installRecommends)))
    }

    public static func file(_ path: String, template: String, owner: String? = nil, group: String? = nil,
                            mode: String? = nil, validate: String? = nil) -> Resource {
        Resource(.file(FileResource(path, source: .template(template), owner: owner, group: group, mode: mode,
                                    validate: validate)))
    }

    public static func file(_ path: String, content: String, owner: String? = nil, group: String? = nil,
                            mode: String? = nil, validate: String? = nil) -> Resource {
        Resource(.file(FileResource(path, source: .content(SensitiveText(content)), owner: owner, group: group,
                                    mode: mode, validate: validate)))
    }

    public static func absentFile(_ path: String) -> Resource {
        Resource(.file(FileResource(path, state: .absent)))
    }

    public static func directory(_ path: String, owner: String? = nil, group: String? = nil, mode: String? = nil,
                                 state: Presence = .present) -> Resource {
        Resource(.directory(DirectoryResource(path, owner: owner, group: group, mode: mode, state: state)))
    }

    public static func symlink(_ path: String, target: String, state: Presence = .present) -> Resource {
        Resource(.symlink(SymlinkResource(path, target: target, state: state)))
    }

    public static func service(_ name: String, state: ServiceResource.State = .running, enabled: Bool? = true,
                               refresh: ServiceResource.Refresh = .restart) -> Resource {
        Resource(.service(ServiceResource(name, state: state, enabled: enabled, refresh: refresh)))
    }

    public static func user(_ name: String, uid: Int? = nil, group: String? = nil, groups: [String] = [],
                            home: String? = nil, shell: String? = nil, system: Bool = false,
                            state: Presence = .present) -> Resource {
        Resource(.user(UserResource(name, uid: uid, group: group, groups: groups, home: home, shell: shell,
                                    system: system, state: state)))
    }

    public static func group(_ name: String, gid: Int? = nil, system: Bool = false, state: Presence = .present) -> Resource {
        Resource(.group(UnixGroupResource(name, gid: gid, system: system, state: state)))
    }

    public static func sysctl(_ key: String, value: String, persist: Bool = true) -> Resource {
        Resource(.sysctl(SysctlResource(key, value: value, persist: persist)))
    }

    public static func firewall(_ ruleset: FirewallResource) -> Resource { Resource(.firewall(ruleset)) }
    public static func firewallRule(_ rule: FirewallRuleResource) -> Resource { Resource(.firewallRule(rule)) }
    public static func mysqlDatabase(_ database: MySQLDatabaseResource) -> Resource { Resource(.mysqlDatabase(database)) }
    public static func mysqlUser(_ user: MySQLUserResource) -> Resource { Resource(.mysqlUser(user)) }
    public static func replication(_ replication: ReplicationResource) -> Resource { Resource(.replication(replication)) }
    public static func certificate(_ certificate: CertificateResource) -> Resource { Resource(.certificate(certificate)) }

    public static func command(_ name: String, run: String, creates: String? = nil, unless: String? = nil,
                               onChangeOnly: Bool = false) -> Resource {
        Resource(.command(CommandResource(name, run: run, creates: creates, unless: unless, onChangeOnly: onChangeOnly)))
    }
}

extension Resource {
    public static func systemdUnit(_ name: String, content: String) -> Resource {
        Resource(.systemdUnit(SystemdUnitResource(name, source: .content(SensitiveText(content)))))
    }

    public static func masked(_ unit: String) -> Resource { Resource(.systemdUnit(SystemdUnitResource(unit, state: .masked))) }

    public static func line(_ name: String, path: String, text: String, match: String? = nil,
                            anchor: LineResource.Anchor = .endOfFile, create: Bool = false) -> Resource {
        Resource(.line(LineResource(name, path: path, text: SensitiveText(text), match: match, anchor: anchor, create: create)))
    }

    public static func block(_ name: String, path: String, content: String, marker: String = BlockResource.defaultMarker,
                             anchor: LineResource.Anchor = .endOfFile, create: Bool = false) -> Resource {
        Resource(.block(BlockResource(name, path: path, content: SensitiveText(content), marker: marker, anchor: anchor, create: create)))
    }
}

extension ResourceID {
    public static func file(_ path: String) -> ResourceID { ResourceID(.file, path) }
    public static func package(_ name: String) -> ResourceID { ResourceID(.package, name) }
    public static func service(_ name: String) -> ResourceID { ResourceID(.service, name) }
    public static func directory(_ path: String) -> ResourceID { ResourceID(.directory, path) }
    public static func user(_ name: String) -> ResourceID { ResourceID(.user, name) }
    public static func group(_ name: String) -> ResourceID { ResourceID(.group, name) }
    public static func command(_ name: String) -> ResourceID { ResourceID(.command, name) }
    public static func systemdUnit(_ name: String) -> ResourceID { ResourceID(.systemdUnit, name) }
    public static func certificate(_ name: String) -> ResourceID { ResourceID(.certificate, name) }
}

// Resource constructors named after the YAML kinds, for DSL blocks.

/// `package:` in YAML.
public struct Package: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, state: PackageResource.State = .present, version: String? = nil) {
        resource = .package(name, state: state, version: version)
    }
}

/// `file:` in YAML, from a template, inline content, or `absent`.
public struct File: ResourceConvertible {
    public let resource: Resource
    public init(_ path: String, template: String, owner: String? = nil, group: String? = nil, mode: String? = nil,
                validate: String? = nil) {
        resource = .file(path, template: template, owner: owner, group: group, mode: mode, validate: validate)
    }
    public init(_ path: String, content: String, owner: String? = nil, group: String? = nil, mode: String? = nil,
                validate: String? = nil) {
        resource = .file(path, content: content, owner: owner, group: group, mode: mode, validate: validate)
    }
    public init(absent path: String) { resource = .absentFile(path) }
}

/// `directory:` in YAML.
public struct Directory: ResourceConvertible {
    public let resource: Resource
    public init(_ path: String, owner: String? = nil, group: String? = nil, mode: String? = nil, state: Presence = .present) {
        resource = .directory(path, owner: owner, group: group, mode: mode, state: state)
    }
}

/// `symlink:` in YAML.
public struct Symlink: ResourceConvertible {
    public let resource: Resource
    public init(_ path: String, target: String, state: Presence = .present) {
        resource = .symlink(path, target: target, state: state)
    }
}

/// `service:` in YAML.
public struct Service: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, state: ServiceResource.State = .running, enabled: Bool? = true,
                refresh: ServiceResource.Refresh = .restart) {
        resource = .service(name, state: state, enabled: enabled, refresh: refresh)
    }
}

/// `user:` in YAML.
public struct User: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, uid: Int? = nil, group: String? = nil, groups: [String] = [], home: String? = nil,
                shell: String? = nil, system: Bool = false, state: Presence = .present) {
        resource = .user(name, uid: uid, group: group, groups: groups, home: home, shell: shell, system: system, state: state)
    }
}

/// `group:` in YAML (named apart from inventory groups).
public struct UnixGroup: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, gid: Int? = nil, system: Bool = false, state: Presence = .present) {
        resource = .group(name, gid: gid, system: system, state: state)
    }
}

/// `sysctl:` in YAML.
public struct Sysctl: ResourceConvertible {
    public let resource: Resource
    public init(_ key: String, value: String, persist: Bool = true) { resource = .sysctl(key, value: value, persist: persist) }
}

/// `command:` in YAML: a guarded shell command.
public struct Run: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, run: String, creates: String? = nil, unless: String? = nil, onChangeOnly: Bool = false) {
        resource = .command(name, run: run, creates: creates, unless: unless, onChangeOnly: onChangeOnly)
    }
}

/// `systemd_unit:` in YAML: a unit file or drop-in.
public struct SystemdUnit: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, content: String) { resource = .systemdUnit(name, content: content) }
}

/// `line:` in YAML: one line of a file Rampart does not own whole.
public struct Line: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, path: String, text: String, match: String? = nil, anchor: LineResource.Anchor = .endOfFile,
                create: Bool = false) {
        resource = .line(name, path: path, text: text, match: match, anchor: anchor, create: create)
    }
}

/// `block:` in YAML: a marked block of a file Rampart does not own whole.
public struct Block: ResourceConvertible {
    public let resource: Resource
    public init(_ name: String, path: String, content: String, marker: String = BlockResource.defaultMarker,
                anchor: LineResource.Anchor = .endOfFile, create: Bool = false) {
        resource = .block(name, path: path, content: content, marker: marker, anchor: anchor, create: create)
    }
}
