import RampartBasics

/// The kinds of resource a role can declare. The raw value is the YAML key and the prefix of a
/// reference (`file:/etc/nginx/nginx.conf`).
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case package, file, directory, symlink, service, user, group, sysctl, firewall
    case firewallRule = "firewall_rule"
    case mysqlDatabase = "mysql_database", mysqlUser = "mysql_user", replication, certificate, command
    case systemdUnit = "systemd_unit", line, block
    case aptRepository = "apt_repository", aptPreference = "apt_preference", ini
    case cron, timezone, pamLimits = "pam_limits", alternatives, locale
    case mount, kernelModule = "kernel_module", download, archive
    case sshKeypair = "ssh_keypair"
}

/// A resource's identity on one host: its kind and name. Two resources with the same identity
/// on one host are an error.
public struct ResourceID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// Parses `kind:name`; nil when the kind is unknown or the name empty.
    public init?(reference: String) {
        guard let colon = reference.firstIndex(of: ":"),
              let kind = ResourceKind(rawValue: String(reference[..<colon])) else { return nil }
        let name = String(reference[reference.index(after: colon)...])
        guard !name.isEmpty else { return nil }
        self.init(kind, name)
    }

    public var description: String { "\(kind.rawValue):\(name)" }

    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool { lhs.description < rhs.description }
}

/// Whether a managed thing should exist.
public enum Presence: String, Sendable, Hashable, Codable, CaseIterable {
    case present, absent
}

/// What a kind of resource is: a typed description the planner turns into steps.
public protocol ResourceDescription: Sendable, Hashable, Codable {
    static var kind: ResourceKind { get }
    /// The name that identifies it on a host (a path, a package name, `user@host` …).
    var name: String { get }
}

/// One desired resource with its ordering edges.
///
/// String fields may hold `{{ template }}` expressions while the resource is a declaration in a
/// role; the catalog renders them per host, so downstream code only sees concrete values.
public struct Resource: Sendable, Hashable, Codable {
    public var spec: ResourceSpec
    /// Resources on the same host that must be in place first.
    public var requires: [ResourceID]
    /// Resources whose change triggers this one (a service reloads, a command runs); implies `requires`.
    public var subscribes: [ResourceID]
    /// One resource per item, the item bound to `item` (like Ansible's `loop:`): each entry is a
    /// template, and a single `{{ a.b }}` entry naming a list (`{{ groups.webservers }}`) stands
    /// for that list's items. Empty: one resource, no `item`. The catalog expands it.
    public var loop: [String]
    /// Managed on a host only where this holds (`when:`). In a host's catalog: the part over
    /// facts that only the planner can decide (nil: always) — the rest was decided by the catalog.
    public var when: Condition?
    /// Typed fields written as templates, while this is a declaration in a role (the catalog
    /// resolves them per host); nil for a literal declaration and in every compiled catalog.
    public var templated: TemplatedFields?
    public var declared: Provenance

    public init(_ spec: ResourceSpec, requires: [ResourceID] = [], subscribes: [ResourceID] = [], loop: [String] = [],
                when: Condition? = nil, declared: Provenance = Provenance()) {
        self.spec = spec
        self.requires = requires
        self.subscribes = subscribes
        self.loop = loop
        self.when = when
        self.declared = declared
    }

    public var id: ResourceID { ResourceID(spec.kind, spec.name) }
}

/// The typed description of a resource, one case per kind (each in its own file).
public enum ResourceSpec: Sendable, Hashable, Codable {
    case package(PackageResource)
    case file(FileResource)
    case directory(DirectoryResource)
    case symlink(SymlinkResource)
    case service(ServiceResource)
    case user(UserResource)
    case group(UnixGroupResource)
    case sysctl(SysctlResource)
    case firewall(FirewallResource)
    case firewallRule(FirewallRuleResource)
    case mysqlDatabase(MySQLDatabaseResource)
    case mysqlUser(MySQLUserResource)
    case replication(ReplicationResource)
    case certificate(CertificateResource)
    case command(CommandResource)
    case systemdUnit(SystemdUnitResource)
    case line(LineResource)
    case block(BlockResource)
    case aptRepository(AptRepositoryResource)
    case aptPreference(AptPreferenceResource)
    case ini(IniResource)
    case cron(CronResource)
    case timezone(TimezoneResource)
    case pamLimits(PamLimitResource)
    case alternatives(AlternativesResource)
    case locale(LocaleResource)
    case mount(MountResource)
    case kernelModule(KernelModuleResource)
    case download(DownloadResource)
    case archive(ArchiveResource)
    case sshKeypair(SSHKeyPairResource)

    /// The description itself, whatever its kind.
    public var description: any ResourceDescription {
        switch self {
        case .package(let r): return r
        case .file(let r): return r
        case .directory(let r): return r
        case .symlink(let r): return r
        case .service(let r): return r
        case .user(let r): return r
        case .group(let r): return r
        case .sysctl(let r): return r
        case .firewall(let r): return r
        case .firewallRule(let r): return r
        case .mysqlDatabase(let r): return r
        case .mysqlUser(let r): return r
        case .replication(let r): return r
        case .certificate(let r): return r
        case .command(let r): return r
        case .systemdUnit(let r): return r
        case .line(let r): return r
        case .block(let r): return r
        case .aptRepository(let r): return r
        case .aptPreference(let r): return r
        case .ini(let r): return r
        case .cron(let r): return r
        case .timezone(let r): return r
        case .pamLimits(let r): return r
        case .alternatives(let r): return r
        case .locale(let r): return r
        case .mount(let r): return r
        case .kernelModule(let r): return r
        case .download(let r): return r
        case .archive(let r): return r
        case .sshKeypair(let r): return r
        }
    }

    public var kind: ResourceKind { type(of: description).kind }
    public var name: String { description.name }

    /// The file an edit kind (line, block, ini, a mount's fstab entry) changes without owning it
    /// whole, and whether the edit holds a secret; nil for every other resource.
    public var editedFile: (path: String, holdsSecret: Bool)? {
        switch self {
        case .line(let l): return (l.path, l.text?.isSensitive == true)
        case .block(let b): return (b.path, b.content.isSensitive)
        case .ini(let i): return (i.path, i.value?.isSensitive == true)
        case .mount(let m): return m.inFstab == nil ? nil : (MountResource.fstab, false)
        default: return nil
        }
    }
}
