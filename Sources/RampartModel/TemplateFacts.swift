/// The host's facts as templates, role defaults and typed fields read them, under `facts.`:
/// `facts.os.id|version|family|codename`, `facts.arch`, `facts.cpus`, `facts.memory_mb`, and
/// `facts.packages.NAME` (the installed version of a package the catalog declares or a
/// condition names). A catalog is compiled first with the last facts it knows (or `baseline`),
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

    public init(osID: String, osVersion: String, osFamily: String, osCodename: String, arch: String, cpus: Int, memoryMB: Int,
                packages: [String: String] = [:], users: [LocalAccount] = []) {
        self.osID = osID
        self.osVersion = osVersion
        self.osFamily = osFamily
        self.osCodename = osCodename
        self.arch = arch
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.packages = packages
        self.users = users.sorted { ($0.uid, $0.name) < ($1.uid, $1.name) }
    }

    /// The `facts.` keys a catalog reads that need more than the facts exec always gathers.
    public static let usersKey = "users"

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
        ])
    }

    /// One line for a plan's note.
    public var summary: String { "\(osID) \(osVersion), \(arch), \(cpus) CPUs, \(memoryMB) MB" }
}
