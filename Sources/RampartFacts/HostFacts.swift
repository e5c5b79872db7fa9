import RampartBasics
import RampartModel

/// What one host reported about everything its catalog manages, from one batched probe.
///
/// A missing entry means "probed and absent" (no such file, package not installed, …).
/// `assumed` marks facts that were not read from the host but taken from the known baseline of
/// a fresh Debian 12 server (`rampart plan --offline`).
public struct HostFacts: Sendable, Hashable, Codable {
    public var host: String
    public var os: OperatingSystem?
    public var machine: MachineFacts?
    public var packages: [String: PackageFact] = [:]
    /// Candidate versions of packages wanted at `latest` (from `apt-cache policy`).
    public var packageCandidates: [String: String] = [:]
    public var files: [String: FileFact] = [:]
    public var services: [String: ServiceFact] = [:]
    /// The units configured by systemd_unit resources, as systemd has them loaded.
    public var systemdUnits: [String: SystemdUnitFact] = [:]
    public var users: [String: UserFact] = [:]
    public var groups: [String: GroupFact] = [:]
    /// Alternatives groups the catalog sets, as `update-alternatives --query` reports them.
    public var alternatives: [String: AlternativesFact] = [:]
    /// Generated locales (`locale -a`, as glibc names them: `en_US.utf8`) and the system LANG;
    /// nil when no locale resource asked. `localeGen`: whether Debian's locale-gen is installed.
    public var locales: LocaleFacts?
    /// What is mounted at the mount points of the catalog's mount resources (from
    /// /proc/self/mounts; the last mount on a point wins); nil when it has none.
    public var mounts: [String: MountFact]?
    /// Kernel modules the catalog names, as the kernel has them; nil when it names none.
    public var kernelModules: KernelModuleFacts?
    /// Edited files whose marker says the catalog's edits left them as they are now: their
    /// content was not fetched, and the edits are converged (`EditMarkers`).
    public var unchangedEdits: [String] = []
    /// Runtime kernel parameters by dotted key.
    public var sysctls: [String: String] = [:]
    /// For each guarded command (by name): true when its `unless` check says it must run.
    public var commandsDue: [String: Bool] = [:]
    /// What Rampart managed on this host after its last apply (the on-host manifest).
    public var manifest: [ManagedEntry] = []
    /// The MySQL-compatible server's accounts and databases (nil: not asked, or the server is not running).
    public var mysql: MySQLFacts?
    public var firewall: FirewallFacts?
    /// Files (among those to prune) whose pre-Rampart original is kept on the host.
    /// (An array in the probe's order, not a `Set`: facts must encode alike in every process for the fingerprint.)
    public var originals: [String] = []
    /// Handlers journalled by an apply that did not finish them.
    public var pendingHandlers: [PendingHandler] = []
    public var assumed = false
    /// Every local account (`getent passwd`), when the catalog reads `facts.users`; nil otherwise.
    public var localUsers: [TemplateFacts.LocalAccount]?
    /// Everything mounted (/proc/self/mounts), when the catalog reads `facts.mounts`; nil otherwise.
    public var mountedFilesystems: [TemplateFacts.MountedFilesystem]?
    /// What each glob the catalog reads (`facts.glob['GLOB']`) matched; nil when it reads none.
    public var foundFiles: [String: [TemplateFacts.FoundFile]]?
    /// The key pairs the catalog names, by private key path; nil when it names none.
    public var sshKeyPairs: [String: SSHKeyPairFact]?
    /// Whether `ssh-keygen` is installed (asked only with key pairs).
    public var sshKeygen: Bool?

    public init(host: String) { self.host = host }
}

/// A key pair as the host has it: the two files, and what the private key is (from its own
/// public half). All nil: no private key there.
public struct SSHKeyPairFact: Sendable, Hashable, Codable {
    public var privateKey: FileFact?
    public var publicKey: FileFact?
    public var bits: Int?
    /// `SHA256:…`
    public var fingerprint: String?
    /// As `ssh-keygen -l` names it: `ED25519`, `ECDSA`, `RSA`.
    public var type: String?
    /// The public file holds the private key's public half.
    public var publicMatches = false
    /// The private key could not be read without a passphrase (or is not a key).
    public var unreadable = false
    public init() {}
}

/// `ID`, `VERSION_ID`, `ID_LIKE` and `VERSION_CODENAME` from /etc/os-release.
public struct OperatingSystem: Sendable, Hashable, Codable {
    public var id: String
    public var version: String
    /// `ID_LIKE` (space-separated; empty on Debian itself).
    public var like: String
    public var codename: String
    public init(id: String, version: String, like: String = "", codename: String = "") {
        self.id = id
        self.version = version
        self.like = like
        self.codename = codename
    }
    /// The distribution family: the first of `ID_LIKE`, else the id (`debian` for Debian and Ubuntu).
    public var family: String { like.split(separator: " ").first.map(String.init) ?? id }
}

/// The machine, gathered only when a `when:` condition asks (`facts.arch`, `facts.cpus`, `facts.memory_mb`).
public struct MachineFacts: Sendable, Hashable, Codable {
    /// dpkg's architecture: `amd64`, `arm64`.
    public var architecture: String
    public var cpus: Int
    public var memoryMB: Int
    public init(architecture: String, cpus: Int, memoryMB: Int) {
        self.architecture = architecture
        self.cpus = cpus
        self.memoryMB = memoryMB
    }
}

public struct PackageFact: Sendable, Hashable, Codable {
    /// dpkg's abbreviated status, `ii` when installed and configured.
    public var status: String
    public var version: String
    public var installed: Bool { status.hasPrefix("ii") }
    public init(status: String, version: String) { self.status = status; self.version = version }
}

public struct FileFact: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case regular, directory, symlink, other }
    public var kind: Kind
    public var owner: String
    public var group: String
    /// Four octal digits, e.g. `0644`.
    public var mode: String
    public var size: Int
    /// For a symlink, where it points.
    public var linkTarget: String?
    /// For a regular file Rampart manages the content of.
    public var sha256: String?
    /// The current content, fetched only when it differs from the desired one and holds no
    /// secret (for the diff).
    public var content: [UInt8]?

    public init(kind: Kind, owner: String, group: String, mode: String, size: Int, linkTarget: String? = nil,
                sha256: String? = nil, content: [UInt8]? = nil) {
        self.kind = kind
        self.owner = owner
        self.group = group
        self.mode = mode
        self.size = size
        self.linkTarget = linkTarget
        self.sha256 = sha256
        self.content = content
    }
}

public struct ServiceFact: Sendable, Hashable, Codable {
    /// `loaded` or `not-found`.
    public var loadState: String
    /// `active`, `inactive`, `failed`, …
    public var activeState: String
    /// `enabled`, `disabled`, `static`, `masked`, … (empty when the unit does not exist).
    public var unitFileState: String
    public var exists: Bool { loadState != "not-found" }
    public var running: Bool { activeState == "active" || activeState == "reloading" || activeState == "activating" }
    public var enabled: Bool { unitFileState == "enabled" || unitFileState == "enabled-runtime" || unitFileState == "alias" }
    public init(loadState: String, activeState: String, unitFileState: String) {
        self.loadState = loadState
        self.activeState = activeState
        self.unitFileState = unitFileState
    }
}

public struct SystemdUnitFact: Sendable, Hashable, Codable {
    /// `loaded`, `not-found`, `masked`, …
    public var loadState: String
    /// systemd's own flag: a file of the unit changed on disk since it was loaded, so a
    /// `daemon-reload` is owed (an interrupted apply, or an edit by hand).
    public var needsDaemonReload: Bool
    public init(loadState: String, needsDaemonReload: Bool) {
        self.loadState = loadState
        self.needsDaemonReload = needsDaemonReload
    }
}

public struct AlternativesFact: Sendable, Hashable, Codable {
    /// Where the group's link points now.
    public var value: String
    /// The programs it may point at.
    public var candidates: [String]
    public init(value: String, candidates: [String]) { self.value = value; self.candidates = candidates }
}

extension FileFact {
    /// Largest file an edit (line, block, ini, fstab) starts from: its content is fetched at
    /// every plan, so this bounds what a no-op carries (OpenSSH's moduli is 530 KiB).
    public static let editLimit = 1024 * 1024
}

public struct MountFact: Sendable, Hashable, Codable {
    public var source: String
    public var fstype: String
    /// The kernel's view of the options (`rw,relatime,size=16384k`): not fstab's words.
    public var options: String
    public init(source: String, fstype: String, options: String) {
        self.source = source
        self.fstype = fstype
        self.options = options
    }

    /// Whether the live mount is read-only.
    public var readOnly: Bool { options.split(separator: ",").contains("ro") }
}

public struct KernelModuleFacts: Sendable, Hashable, Codable {
    /// false when the kernel's module list cannot be read here (a container: /proc/modules is
    /// not there, and modules are the host kernel's business).
    public var visible: Bool
    /// Asked modules that are loaded (in /proc/modules) or built in (/sys/module only), by kernel name.
    public var loaded: [String]
    public init(visible: Bool, loaded: [String]) {
        self.visible = visible
        self.loaded = loaded
    }
}

public struct LocaleFacts: Sendable, Hashable, Codable {
    public var generated: [String]
    /// LANG in /etc/default/locale (nil: not set).
    public var lang: String?
    public var localeGen: Bool
    public init(generated: [String], lang: String?, localeGen: Bool) {
        self.generated = generated
        self.lang = lang
        self.localeGen = localeGen
    }
}

public struct UserFact: Sendable, Hashable, Codable {
    public var uid: Int
    public var gid: Int
    public var home: String
    public var shell: String
    /// Supplementary groups, sorted.
    public var groups: [String]
    /// Its /etc/shadow entry, asked only for users whose password, lock or ageing is managed.
    public var shadow: ShadowFact?
    public init(uid: Int, gid: Int, home: String, shell: String, groups: [String], shadow: ShadowFact? = nil) {
        self.uid = uid
        self.gid = gid
        self.home = home
        self.shell = shell
        self.groups = groups
        self.shadow = shadow
    }
}

/// An account's /etc/shadow entry as the probe reports it: the password hash only as its SHA-256
/// (the hash itself never leaves the host), whether it is locked, and its ageing (nil: unset).
public struct ShadowFact: Sendable, Hashable, Codable {
    /// SHA-256 of the hash field without a lock's `!`.
    public var passwordSHA256: String
    public var locked: Bool
    public var minDays: Int?
    public var maxDays: Int?
    public var warnDays: Int?
    public init(passwordSHA256: String, locked: Bool, minDays: Int?, maxDays: Int?, warnDays: Int?) {
        self.passwordSHA256 = passwordSHA256
        self.locked = locked
        self.minDays = minDays
        self.maxDays = maxDays
        self.warnDays = warnDays
    }
}

public struct GroupFact: Sendable, Hashable, Codable {
    public var gid: Int
    public var members: [String]
    public init(gid: Int, members: [String]) { self.gid = gid; self.members = members }
}

/// What a MySQL-compatible server reports, read as root over its unix socket.
public struct MySQLFacts: Sendable, Hashable, Codable {
    public struct Account: Sendable, Hashable, Codable {
        public var plugin: String
        /// The stored password hash (`*…` for mysql_native_password); compared, never printed.
        public var authentication: String
        /// `''` none, `ANY` (REQUIRE SSL), `X509`, `SPECIFIED`.
        public var sslType: String
        public var maxConnections: Int
        public init(plugin: String, authentication: String, sslType: String, maxConnections: Int) {
            self.plugin = plugin
            self.authentication = authentication
            self.sslType = sslType
            self.maxConnections = maxConnections
        }
    }

    /// `SELECT VERSION()`: `10.11.6-MariaDB-0+deb12u1` or `8.0.36-0ubuntu0.22.04.1`.
    public var version: String = ""
    /// `@@read_only` (MySQL 8: `@@super_read_only` too).
    public var readOnly: Bool = false
    /// The server has replicated before (`@@gtid_slave_pos` or MySQL's `gtid_executed` from a
    /// source is set), so it is not a new replica that needs an initial copy.
    public var hasReplicated: Bool = false
    /// The stable part of `SHOW REPLICA STATUS` of the default channel (empty when the server
    /// replicates from nobody), under MariaDB's names (`Master_Host`, `Slave_IO_Running`, …) for
    /// both flavors. Positions and lag are left out: they move with every write and would make
    /// the facts' fingerprint useless for saved plans.
    public var replication: [String: String] = [:]
    public var isMySQL8: Bool { !version.isEmpty && !version.contains("MariaDB") }
    /// Database name → (character set, collation).
    public var databases: [String: [String]] = [:]
    /// `user@host` → account.
    public var accounts: [String: Account] = [:]
    /// `user@host` → privileges as `SCHEMA|PRIVILEGE` (`*` for global), USAGE left out.
    public var privileges: [String: Set<String>] = [:]
    public init() {}

    /// Sets encode sorted: Swift's `Set` iterates in a per-process random order, and a saved
    /// plan's fingerprint, taken in another process, must come out the same.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(readOnly, forKey: .readOnly)
        try c.encode(hasReplicated, forKey: .hasReplicated)
        try c.encode(replication, forKey: .replication)
        try c.encode(databases, forKey: .databases)
        try c.encode(accounts, forKey: .accounts)
        try c.encode(privileges.mapValues { $0.sorted() }, forKey: .privileges)
    }
}

/// One line of the on-host manifest: a resource Rampart put in place, and the digest of its
/// declaration as that apply had it (`kind:name<TAB>digest`; a manifest written before digests
/// has the id alone) — what tells a change of the playbook from a change of the host.
public struct ManagedEntry: Sendable, Hashable, Codable {
    public var id: ResourceIDText
    public var digest: String?

    /// Parses a manifest line.
    public init(_ line: String) {
        if let tab = line.firstIndex(of: Self.separator) {
            id = String(line[..<tab])
            let digest = String(line[line.index(after: tab)...])
            self.digest = digest.isEmpty ? nil : digest
        } else {
            id = line
            digest = nil
        }
    }

    public init(id: ResourceIDText, digest: String?) {
        self.id = id
        self.digest = digest
    }

    /// Between the id and the digest: a resource's name may hold spaces, never a tab.
    public static let separator: Character = "\t"

    /// The line as the manifest holds it.
    public var line: String { digest.map { id + String(Self.separator) + $0 } ?? id }
}

/// `kind:name` as stored on the host (kept as text so a manifest from a newer Rampart still parses).
public typealias ResourceIDText = String

/// A reload/restart/run an interrupted apply still owes.
public struct PendingHandler: Sendable, Hashable, Codable {
    /// `service:nginx` or `command:NAME`.
    public var resource: ResourceIDText
    /// `reload`, `restart` or `run`.
    public var action: String
    public init(resource: ResourceIDText, action: String) { self.resource = resource; self.action = action }
}

/// The host's nftables state (nil when `nft` is not installed).
public struct FirewallFacts: Sendable, Hashable, Codable {
    /// /etc/nftables.conf as it is (nil when missing).
    public var persisted: String?
    /// SHA-256 of `nft list ruleset` now, and as recorded when Rampart last confirmed a ruleset:
    /// different means someone changed the live rules.
    public var liveHash: String
    public var confirmedHash: String?
    /// `systemctl is-enabled nftables`.
    public var enabled: String
    public init(persisted: String?, liveHash: String, confirmedHash: String?, enabled: String) {
        self.persisted = persisted
        self.liveHash = liveHash
        self.confirmedHash = confirmedHash
        self.enabled = enabled
    }
}
