import Foundation

/// A lab host: name and static address on the lab bridge.
public struct LabHost: Sendable, Equatable, Codable {
    public var name: String
    public var address: String
    /// When set, the host takes SSH only from this address (its jump host), from its first boot:
    /// a data centre where the control node reaches only a bastion. Fenced in the host's own
    /// network namespace (an nftables table of the lab's), so the host's own firewall decides
    /// once it has one.
    public var sshOnlyFrom: String?

    public init(name: String, address: String, sshOnlyFrom: String? = nil) {
        self.name = name
        self.address = address
        self.sshOnlyFrom = sshOnlyFrom
    }

    /// The standard lab: a load balancer, two web servers, two database servers, a monitor.
    public static let standard: [LabHost] = [
        LabHost(name: "lb1", address: "10.231.77.10"),
        LabHost(name: "web1", address: "10.231.77.11"),
        LabHost(name: "web2", address: "10.231.77.12"),
        LabHost(name: "db1", address: "10.231.77.21"),
        LabHost(name: "db2", address: "10.231.77.22"),
        LabHost(name: "mon1", address: "10.231.77.30"),
    ]
}

/// Where and how the lab is built.
public struct LabConfiguration: Sendable {
    public var hosts: [LabHost]
    /// The host-side bridge; the control node (this machine) owns `bridgeAddress` on it.
    public var bridge = "rampart0"
    public var bridgeAddress = "10.231.77.1"
    public var prefixLength = 24
    /// apt-cacher-ng on `bridgeAddress:proxyPort`: the hosts' only way to Debian's mirror.
    public var proxyPort = 8888
    /// Overlays, keys, known_hosts, logs, state.json. Deleted by `down`.
    public var stateDirectory = "/var/lib/rampart-lab"
    /// Base images (kept across `down`), named by the hash of their recipe, and the package cache.
    public var cacheDirectory = "/var/cache/rampart/lab"
    /// What the package proxy fetched from Debian's mirror, kept across `down` (and across labs:
    /// the bastion lab and a bench lab share it). Delete it for a cold start.
    public var packageCacheDirectory: String { cacheDirectory + "/packages" }
    /// Seconds from starting the containers until every host must report running/degraded.
    public var bootTimeout: Double = 60

    public init(hosts: [LabHost] = LabHost.standard) {
        self.hosts = hosts
    }
}

/// How long one phase of `Lab.up` took.
public struct LabPhaseTiming: Sendable, Equatable {
    public var name: String
    public var seconds: Double

    public init(name: String, seconds: Double) {
        self.name = name
        self.seconds = seconds
    }
}

/// What `Lab.up` did: the hosts, how each booted, the timings, and where the SSH material is.
public struct LabUpReport: Sendable {
    public var hosts: [LabHost]
    /// `systemctl is-system-running` of each host when it was declared up: running or degraded.
    public var systemStates: [String: String]
    /// False when the cached base image was reused.
    public var baseImageBuilt: Bool
    public var baseImagePath: String
    /// Wall time of the whole `up`.
    public var seconds: Double
    public var phases: [LabPhaseTiming]
    /// The lab's private key (ed25519, mode 0600): `ssh -i keyPath root@ADDRESS`.
    public var keyPath: String
    /// Every host's ECDSA and ed25519 host key, by address: use with StrictHostKeyChecking=yes.
    public var knownHostsPath: String
}

/// One host as seen now.
public struct LabHostStatus: Sendable, Equatable {
    public var name: String
    public var address: String
    /// The container's init process exists.
    public var running: Bool
    /// `systemctl is-system-running` inside the host (nil when not running or not root).
    public var systemState: String?
    /// Sum of the proportional set size of the host's processes, nspawn's supervisor included.
    public var memoryBytes: UInt64?

    public init(name: String, address: String, running: Bool, systemState: String?, memoryBytes: UInt64?) {
        self.name = name
        self.address = address
        self.running = running
        self.systemState = systemState
        self.memoryBytes = memoryBytes
    }
}

/// Why a lab operation failed; each description says what, where, and how to fix it.
public enum LabError: Error, CustomStringConvertible, Equatable {
    case notRoot
    case missingTool(String, package: String)
    case addressInUse(String)
    case bootTimeout(host: String, consoleTail: String)
    case hostExited(host: String, consoleTail: String)
    case commandFailed(command: String, status: Int32, stderr: String)
    case baseImageFailed(logPath: String, tail: String)
    case proxyFailed(String)
    case invalidConfiguration(String)
    case busy(lockPath: String)
    case fileSystem(path: String, reason: String)
    case stillMounted([String])

    public var description: String {
        switch self {
        case .notRoot:
            return "the lab needs root (it mounts overlays, creates a bridge and starts containers); run it with sudo or as root"
        case let .missingTool(tool, package):
            return "'\(tool)' is not installed on this machine; install it with `apt-get install \(package)` (or call Lab.ensurePrerequisites())"
        case let .addressInUse(detail):
            return "lab network clash: \(detail); the lab needs 10.231.77.0/24 to itself — remove the other address (`ip addr del ADDRESS/PREFIX dev IFACE`) or, from Swift, set another bridgeAddress/prefixLength in LabConfiguration"
        case let .bootTimeout(host, tail):
            return "host \(host) did not finish booting in time (systemctl is-system-running never said running/degraded); "
                + "its console log ends with:\n\(tail)\nraise bootTimeout if the machine is just busy; the lab is left up for inspection, `down` removes it"
        case let .hostExited(host, tail):
            return "host \(host): systemd-nspawn exited during boot; its console log ends with:\n\(tail)\nfix the cause shown above, then run `up` again"
        case let .commandFailed(command, status, stderr):
            let detail = stderr.isEmpty ? "(no error output)" : stderr
            return "command failed with status \(status): \(command)\n\(detail)"
        case let .baseImageFailed(logPath, tail):
            return "building the Debian base image with debootstrap failed; full log: \(logPath); it ends with:\n\(tail)\n"
                + "check that Debian's mirror is reachable (`apt-get update`), then run `up` again (the half-built image was removed)"
        case let .proxyFailed(detail):
            return "the lab's package proxy (apt-cacher-ng) did not start: \(detail)"
        case let .invalidConfiguration(detail):
            return "invalid lab configuration: \(detail)"
        case let .busy(lockPath):
            return "another lab operation (up/down) is running (lock \(lockPath) is held); wait for it to finish"
        case let .fileSystem(path, reason):
            return "\(path): \(reason)"
        case let .stillMounted(points):
            return "refusing to delete lab state: still mounted: \(points.joined(separator: ", ")); "
                + "stop whatever uses them (`fuser -vm PATH`), unmount, and run `down` again"
        }
    }
}
