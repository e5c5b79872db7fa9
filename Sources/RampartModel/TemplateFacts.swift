/// The host's facts as templates, role defaults and typed fields read them, under `facts.`:
/// `facts.os.id|version|family|codename`, `facts.arch`, `facts.cpus`, `facts.memory_mb`, and
/// `facts.packages.NAME` (the installed version of a package the catalog declares or a
/// condition names), and the lists loops take: `facts.users`, `facts.mounts` and
/// `facts.glob['GLOB']`, each gathered only when something reads it. A catalog is compiled first with the last facts it knows (or `baseline`),
/// then again with the gathered ones when they differ (see `HostCatalog.templateFacts`).
public struct TemplateFacts: Sendable, Hashable, Codable {
    public var osID: String
    public var osVersion: String
    public var osFamily: String
    public var osCodename: String
    public var arch: String
    public var cpus: Int
    public var memoryMB: Int
    public var packages: [String: String]
    /// The host's local accounts (`facts.users`: name, uid, gid, home, shell; by uid), gathered
    /// only when something reads them — for `loop: "{{ facts.users }}"`.
    public var users: [LocalAccount]
    /// What is mounted (`facts.mounts`: device, path, fstype, options), one entry per mount point
    /// — the visible one — in /proc/self/mounts' order; gathered only when something reads it.
    public var mounts: [MountedFilesystem]
    /// The files each glob the catalog reads matches (`facts.glob['/etc/cron.d/*']`: path, name,
    /// type, owner, group, mode, size; by path). A glob read but not gathered yet lists nothing.
    public var glob: [String: [FoundFile]]

    /// One line of the host's passwd database.
    public struct LocalAccount: Sendable, Hashable, Codable {
        public var name: String
        public var uid: Int
        public var gid: Int
        public var home: String
        public var shell: String
        public init(name: String, uid: Int, gid: Int, home: String, shell: String) {
            self.name = name
            self.uid = uid
            self.gid = gid
            self.home = home
            self.shell = shell
        }
    }

    /// One line of /proc/self/mounts.
    public struct MountedFilesystem: Sendable, Hashable, Codable {
        public var device: String
        /// The mount point.
        public var path: String
        public var fstype: String
        /// The options in effect (`rw`, `nosuid`, `relatime`, …), in the kernel's order.
        public var options: [String]
        public init(device: String, path: String, fstype: String, options: [String]) {
            self.device = device
            self.path = path
            self.fstype = fstype
            self.options = options
        }
    }

    /// A file a glob matched, as `find` saw it (links not followed).
    public struct FoundFile: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable { case file, directory, link, other }
        public var path: String
        public var type: Kind
        public var owner: String
        public var group: String
        /// Four octal digits (`0644`).
        public var mode: String
        public var size: Int
        public init(path: String, type: Kind, owner: String, group: String, mode: String, size: Int) {
            self.path = path
            self.type = type
            self.owner = owner
            self.group = group
            self.mode = mode
            self.size = size
        }
        /// The last component of the path.
        public var name: String { String(path.split(separator: "/").last ?? "") }
    }

    public init(osID: String, osVersion: String, osFamily: String, osCodename: String, arch: String, cpus: Int, memoryMB: Int,
                packages: [String: String] = [:], users: [LocalAccount] = [], mounts: [MountedFilesystem] = [],
                glob: [String: [FoundFile]] = [:]) {
        self.osID = osID
        self.osVersion = osVersion
        self.osFamily = osFamily
        self.osCodename = osCodename
        self.arch = arch
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.packages = packages
        self.users = users.sorted { ($0.uid, $0.name) < ($1.uid, $1.name) }
        self.mounts = mounts
        self.glob = glob.mapValues { $0.sorted { $0.path < $1.path } }
    }

    /// The `facts.` keys a catalog reads that need more than the facts exec always gathers.
    public static let usersKey = "users"
    public static let mountsKey = "mounts"
    /// `facts.glob[GLOB]`: which globs are read is the catalog's `factGlobs`. (In `when:`,
    /// `facts.files['/path']` is one path's type, decided by the planner.)
    public static let globKey = "glob"

    /// Why `glob` cannot be listed on a host (nil when it can): an absolute path whose `*`, `?`
    /// and `[…]` match as the shell's do (a leading dot is matched only when written).
    public static func globProblem(_ glob: String) -> String? {
        if !glob.hasPrefix("/") { return "the glob '\(glob)' is not an absolute path" }
        if glob.contains("\n") || glob.contains("\u{0}") { return "the glob '\(glob)' holds a newline or NUL" }
        return nil
    }
    /// The hint beside a `globProblem`.
    public static let globHint = "write an absolute path with `*`, `?` or `[…]`: facts.glob['/etc/cron.d/*']"

    /// What a fresh Debian 12 server is assumed to have before its facts are gathered (and what
    /// `plan --offline` renders with): the lab's hosts, 2 CPUs and 2 GiB.
    public static let baseline = TemplateFacts(osID: "debian", osVersion: "12", osFamily: "debian", osCodename: "bookworm",
                                               arch: "amd64", cpus: 2, memoryMB: 2048)

    /// The `facts` variable.
    public var value: Value {
        .map([
            "os": .map(["id": .string(osID), "version": .string(osVersion), "family": .string(osFamily), "codename": .string(osCodename)]),
            "arch": .string(arch), "cpus": .int(cpus), "memory_mb": .int(memoryMB),
            "packages": .map(packages.mapValues(Value.string)),
            "users": .list(users.map { .map(["name": .string($0.name), "uid": .int($0.uid), "gid": .int($0.gid),
                                              "home": .string($0.home), "shell": .string($0.shell)]) }),
            "mounts": .list(mounts.map { .map(["device": .string($0.device), "path": .string($0.path), "fstype": .string($0.fstype),
                                               "options": .list($0.options.map(Value.string))]) }),
            "glob": .map(glob.mapValues { found in
                .list(found.map { .map(["path": .string($0.path), "name": .string($0.name), "type": .string($0.type.rawValue),
                                        "owner": .string($0.owner), "group": .string($0.group), "mode": .string($0.mode),
                                        "size": .int($0.size)]) })
            }),
        ])
    }

    /// One line for a plan's note.
    public var summary: String { "\(osID) \(osVersion), \(arch), \(cpus) CPUs, \(memoryMB) MB" }
}
