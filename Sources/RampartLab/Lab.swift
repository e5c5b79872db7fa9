import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian 12 servers on this machine as systemd-nspawn containers on a private bridge:
/// the lab Rampart's tests and benchmarks run against.
///
/// `up` builds (once) a debootstrap base image, gives each host an overlay over it, a
/// static address on the bridge, fresh SSH host keys and the lab's key for root, and boots
/// them in parallel. Hosts reach nothing beyond the bridge except Debian's mirror, through
/// a caching proxy on the bridge address. `down` removes everything but the cached base image
/// and the package cache.
public struct Lab: Sendable {
    public let configuration: LabConfiguration

    public init(configuration: LabConfiguration = LabConfiguration()) {
        self.configuration = configuration
    }

    /// The lab's private key for root on every host.
    public var keyPath: String { paths.keyPath }
    /// known_hosts with every host's ECDSA and ed25519 key by address.
    public var knownHostsPath: String { paths.knownHostsPath }

    var paths: LabPaths { LabPaths(state: configuration.stateDirectory) }

    var network: LabNetwork {
        LabNetwork(bridge: configuration.bridge, address: configuration.bridgeAddress,
                   prefixLength: configuration.prefixLength)
    }

    var proxy: LabProxy {
        LabProxy(directory: paths.proxyDirectory, cacheDirectory: configuration.packageCacheDirectory,
                 listenAddress: configuration.bridgeAddress, port: configuration.proxyPort)
    }

    /// The lab subnet in CIDR notation, e.g. 10.231.77.0/24.
    var subnet: String {
        let network = IPv4Address(configuration.bridgeAddress)?.network(prefixLength: configuration.prefixLength)
        return (network?.description ?? configuration.bridgeAddress) + "/\(configuration.prefixLength)"
    }

    func makeContainers() -> LabContainers {
        LabContainers(configuration: configuration, paths: paths, cgroups: LabCgroups.detect())
    }

    // MARK: - Public operations

    /// Installs what the lab needs with apt-get if missing: debootstrap, systemd-container,
    /// apt-cacher-ng, iproute2, openssh-client.
    public func ensurePrerequisites(progress: @Sendable (String) -> Void = { _ in }) throws {
        try Lab.requireRoot()
        try Prerequisites.install(progress: progress)
    }

    /// Brings the lab up: cleans leftovers of an earlier (possibly crashed) run, ensures the
    /// base image, creates bridge and proxy, prepares and boots every host, and waits until
    /// each reports running/degraded. With `keep`, hosts keep their changes (upper layers),
    /// host keys and the lab key from the previous run; otherwise every host starts fresh.
    public func up(keep: Bool = false, progress: @Sendable (String) -> Void = { _ in }) throws -> LabUpReport {
        try Lab.requireRoot()
        try validate()
        if let tool = Prerequisites.missing(Prerequisites.toolsForUp).first {
            throw LabError.missingTool(tool, package: Prerequisites.package(for: tool))
        }
        return try withLock { () throws -> LabUpReport in
            let started = Lab.now()
            var phases: [LabPhaseTiming] = []
            func timed<T>(_ name: String, _ body: () throws -> T) throws -> T {
                let begin = Lab.now()
                let result = try body()
                phases.append(LabPhaseTiming(name: name, seconds: Lab.now() - begin))
                return result
            }
            let containers = makeContainers()

            try timed("cleanup") { () throws -> Void in
                try teardown(containers, keepOverlays: keep, progress: progress)
                try Files.makeDirectory(configuration.stateDirectory, mode: 0o755)
            }
            let base = try timed("base image") { () throws -> (path: String, built: Bool) in
                try BaseImage(cacheDirectory: configuration.cacheDirectory).ensure(progress: progress)
            }
            try timed("network") { () throws -> Void in
                try network.checkAddressFree()
                try network.create()
                progress("bridge \(configuration.bridge): \(configuration.bridgeAddress)/\(configuration.prefixLength) (no forwarding, no NAT)")
            }
            try timed("proxy") { () throws -> Void in
                try proxy.start()
                progress("package proxy: http://\(configuration.bridgeAddress):\(configuration.proxyPort)")
            }
            try timed("prepare hosts") { () throws -> Void in
                let publicKey = try ensureKey(reuse: keep)
                progress("preparing \(configuration.hosts.count) hosts\(keep ? " (keeping their changes)" : "")")
                try prepareHosts(containers, baseImage: base.path, publicKey: publicKey)
            }
            let states = try timed("boot") { () throws -> [String: String] in
                progress("booting \(configuration.hosts.map(\.name).joined(separator: ", "))")
                let bootStarted = Lab.now()
                for host in configuration.hosts { try containers.launch(host) }
                return try containers.waitUntilReady(configuration.hosts, timeout: configuration.bootTimeout,
                                                     started: bootStarted, progress: progress)
            }
            try timed("fences") { () throws -> Void in
                for host in configuration.hosts { try fence(host, containers) }
            }
            try timed("known hosts") { () throws -> Void in
                try writeKnownHosts()
                try writeState(containers, baseImage: base.path)
            }
            let seconds = Lab.now() - started
            progress("lab up: \(configuration.hosts.count) hosts in \(String(format: "%.1f", seconds)) s; "
                + "ssh -i \(keyPath) -o UserKnownHostsFile=\(knownHostsPath) root@ADDRESS")
            return LabUpReport(hosts: configuration.hosts, systemStates: states, baseImageBuilt: base.built,
                               baseImagePath: base.path, seconds: seconds, phases: phases,
                               keyPath: keyPath, knownHostsPath: knownHostsPath)
        }
    }

    /// Stops every host, unmounts the overlays, deletes the bridge, stops the proxy and
    /// removes the state directory; the cached base image stays. Safe to run any number of
    /// times, and after a crash (it finds hosts by their cgroups, not only by state.json).
    public func down(progress: @Sendable (String) -> Void = { _ in }) throws {
        try Lab.requireRoot()
        try validateStateDirectory()
        try withLock { () throws -> Void in
            try teardown(makeContainers(), keepOverlays: false, progress: progress)
            progress("lab down")
        }
    }

    /// Kills one host as a power cut would: SIGKILL to its init, so every process in it dies at
    /// once and nothing is shut down cleanly; its overlay (what it had written) stays for `start`.
    public func kill(host name: String) throws {
        try Lab.requireRoot()
        guard let host = configuration.hosts.first(where: { $0.name == name }) else {
            throw LabError.invalidConfiguration("no lab host named '\(name)'")
        }
        let containers = makeContainers()
        guard let leader = containers.leaderPid(host.name) else { return }
        Glibc.kill(leader, SIGKILL)
        let deadline = Lab.now() + 10
        while Lab.now() < deadline && !containers.nspawnPids(host.name).isEmpty { usleep(50_000) }
    }

    /// Boots one stopped host again on the overlay it had (after `kill`), and waits until it runs.
    public func start(host name: String, progress: @Sendable (String) -> Void = { _ in }) throws -> String {
        try Lab.requireRoot()
        guard let host = configuration.hosts.first(where: { $0.name == name }) else {
            throw LabError.invalidConfiguration("no lab host named '\(name)'")
        }
        return try withLock { () throws -> String in
            let containers = makeContainers()
            if containers.leaderPid(host.name) == nil {
                try containers.launch(host)
            }
            let states = try containers.waitUntilReady([host], timeout: configuration.bootTimeout, started: Lab.now(), progress: progress)
            try fence(host, containers)
            return states[host.name] ?? "?"
        }
    }

    /// SSH to `host` from anywhere but its jump host dropped, in the host's network namespace
    /// (the control node's nft, entered with nsenter: nothing is installed in the host).
    func fence(_ host: LabHost, _ containers: LabContainers) throws {
        guard let allowed = host.sshOnlyFrom, let leader = containers.leaderPid(host.name) else { return }
        let ruleset = """
        table inet rampart_lab_fence {
          chain input {
            type filter hook input priority -10; policy accept;
            tcp dport 22 ip saddr != \(allowed) drop
          }
        }

        """
        try Shell.run("nsenter", ["-t", String(leader), "-n", "nft", "-f", "-"], input: Data(ruleset.utf8))
    }

    /// Each configured host: running or not, its systemd state and memory. Needs root for
    /// the state and memory; never throws.
    public func status() -> [LabHostStatus] {
        let containers = makeContainers()
        return configuration.hosts.map { host in
            let leader = containers.leaderPid(host.name)
            return LabHostStatus(name: host.name, address: host.address, running: leader != nil,
                                 systemState: leader.flatMap { containers.systemState(leader: $0) },
                                 memoryBytes: leader == nil ? nil : containers.memoryBytes(host.name))
        }
    }

    // MARK: - Steps

    /// Everything `down` does; `up` runs it first (with `keepOverlays` for `up --keep`).
    func teardown(_ containers: LabContainers, keepOverlays: Bool, progress: @Sendable (String) -> Void) throws {
        containers.stopAll(extraNames: configuration.hosts.map(\.name), grace: 10, progress: progress)
        proxy.stop()
        try Mounts.unmountAll(under: configuration.stateDirectory)
        try network.remove()
        containers.cgroups.removeAll()
        try removeState(keepOverlays: keepOverlays)
    }

    /// Deletes the state directory, or with `keepOverlays` all of it but the hosts' upper
    /// layers and the lab key. Refuses while anything is mounted below it: deleting through
    /// a live mount would delete what is mounted.
    private func removeState(keepOverlays: Bool) throws {
        let state = configuration.stateDirectory
        guard Files.exists(state) else { return }
        let left = Mounts.mountPoints(under: state)
        guard left.isEmpty else { throw LabError.stillMounted(left) }
        guard keepOverlays else {
            try Lab.remove(state)
            return
        }
        let kept = ["hosts", "id_ed25519", "id_ed25519.pub"]
        for entry in Lab.entries(state) where !kept.contains(entry) {
            try Lab.remove(state + "/" + entry)
        }
        for host in Lab.entries(paths.hostsDirectory) {
            let directory = paths.hostsDirectory + "/" + host
            for entry in Lab.entries(directory) where entry != "upper" {
                try Lab.remove(directory + "/" + entry)
            }
        }
    }

    /// The lab's SSH key pair (ed25519: libssh2 1.10 and OpenSSH 9 agree on it).
    private func ensureKey(reuse: Bool) throws -> String {
        if reuse, Files.exists(paths.keyPath), let existing = ProcFS.readText(paths.publicKeyPath), !existing.isEmpty {
            return existing
        }
        // ssh-keygen asks before overwriting, and its stdin is /dev/null.
        _ = unlink(paths.keyPath)
        _ = unlink(paths.publicKeyPath)
        try Shell.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "rampart-lab", "-f", paths.keyPath])
        _ = chmod(paths.keyPath, 0o600)
        guard let key = ProcFS.readText(paths.publicKeyPath), !key.isEmpty else {
            throw LabError.fileSystem(path: paths.publicKeyPath, reason: "ssh-keygen wrote no public key")
        }
        return key
    }

    /// Host preparation is mostly ssh-keygen and small writes: run it for all hosts at once.
    private func prepareHosts(_ containers: LabContainers, baseImage: String, publicKey: String) throws {
        let hosts = configuration.hosts
        let failures = FailureCollector()
        DispatchQueue.concurrentPerform(iterations: hosts.count) { index in
            do {
                try containers.prepare(hosts[index], baseImage: baseImage, publicKey: publicKey)
            } catch {
                failures.record(error)
            }
        }
        if let error = failures.first { throw error }
    }

    private func writeKnownHosts() throws {
        var lines: [String] = []
        for host in configuration.hosts {
            for type in ["ecdsa", "ed25519"] {
                let path = paths.host(host.name).upper + "/etc/ssh/ssh_host_\(type)_key.pub"
                let fields = (ProcFS.readText(path) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" })
                guard fields.count >= 2 else {
                    throw LabError.fileSystem(path: path, reason: "host key missing or unreadable")
                }
                lines.append("\(host.address) \(fields[0]) \(fields[1])")
            }
        }
        try Files.write(paths.knownHostsPath, lines.joined(separator: "\n") + "\n", mode: 0o644)
    }

    private func writeState(_ containers: LabContainers, baseImage: String) throws {
        let hosts = configuration.hosts.map { host in
            LabState.Host(name: host.name, address: host.address,
                          nspawnPid: containers.nspawnPids(host.name).first,
                          leaderPid: containers.leaderPid(host.name))
        }
        let proxyPid = ProcFS.readText(proxy.pidPath).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let state = LabState(bridge: configuration.bridge, bridgeAddress: configuration.bridgeAddress,
                             prefixLength: configuration.prefixLength, baseImage: baseImage,
                             proxy: "http://\(configuration.bridgeAddress):\(configuration.proxyPort)",
                             proxyPid: proxyPid, keyPath: keyPath, knownHostsPath: knownHostsPath,
                             hosts: hosts, startedAt: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(state)
        try Files.write(paths.stateFilePath, String(decoding: data, as: UTF8.self) + "\n")
    }

    // MARK: - Checks

    static func requireRoot() throws {
        guard geteuid() == 0 else { throw LabError.notRoot }
    }

    /// Catches configurations that would misbehave late (or delete the wrong directory).
    func validate() throws {
        try validateStateDirectory()
        let hosts = configuration.hosts
        guard !hosts.isEmpty else { throw LabError.invalidConfiguration("no hosts") }
        guard (8...30).contains(configuration.prefixLength) else {
            throw LabError.invalidConfiguration("prefixLength \(configuration.prefixLength) must be between 8 and 30")
        }
        guard let bridgeAddress = IPv4Address(configuration.bridgeAddress) else {
            throw LabError.invalidConfiguration("bridgeAddress '\(configuration.bridgeAddress)' is not an IPv4 address")
        }
        guard (1...15).contains(configuration.bridge.count),
              configuration.bridge.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw LabError.invalidConfiguration("bridge name '\(configuration.bridge)' must be 1-15 letters, digits, '-' or '_'")
        }
        guard (1...65535).contains(configuration.proxyPort) else {
            throw LabError.invalidConfiguration("proxyPort \(configuration.proxyPort) is not a TCP port")
        }
        guard configuration.cacheDirectory.hasPrefix("/") else {
            throw LabError.invalidConfiguration("cacheDirectory '\(configuration.cacheDirectory)' must be an absolute path")
        }
        guard configuration.bootTimeout > 0 else {
            throw LabError.invalidConfiguration("bootTimeout must be positive")
        }
        let network = bridgeAddress.network(prefixLength: configuration.prefixLength)
        let broadcast = IPv4Address(value: network.value | ~IPv4Address.mask(prefixLength: configuration.prefixLength))
        var names = Set<String>()
        var addresses = Set<String>([configuration.bridgeAddress])
        for host in hosts {
            // "vb-" + name must fit Linux's 15-character interface names (nspawn's host-side veth).
            let validName = (1...12).contains(host.name.count)
                && host.name.first.map({ $0.isASCII && $0.isLetter && $0.isLowercase }) == true
                && host.name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
            guard validName else {
                throw LabError.invalidConfiguration("host name '\(host.name)' must be 1-12 characters: a lowercase letter, then lowercase letters, digits or '-'")
            }
            guard names.insert(host.name).inserted else {
                throw LabError.invalidConfiguration("host name '\(host.name)' appears twice")
            }
            guard let address = IPv4Address(host.address) else {
                throw LabError.invalidConfiguration("host \(host.name): '\(host.address)' is not an IPv4 address")
            }
            guard address.isInSubnet(of: bridgeAddress, prefixLength: configuration.prefixLength),
                  address != network, address != broadcast else {
                throw LabError.invalidConfiguration("host \(host.name): \(host.address) is not a usable address in the lab subnet \(subnet)")
            }
            guard addresses.insert(host.address).inserted else {
                throw LabError.invalidConfiguration("host \(host.name): address \(host.address) is already used (by another host or the bridge)")
            }
        }
    }

    /// `down` deletes the state directory recursively: it must be a dedicated directory.
    func validateStateDirectory() throws {
        let state = configuration.stateDirectory
        let components = state.split(separator: "/")
        let forbidden: Set<String> = ["/", "/var", "/var/lib", "/var/cache", "/etc", "/usr", "/home", "/root", "/tmp", "/opt", "/srv", "/run"]
        let normalized = "/" + components.joined(separator: "/")
        guard state.hasPrefix("/"), components.count >= 2, !forbidden.contains(normalized),
              !components.contains(".."), normalized != configuration.cacheDirectory else {
            throw LabError.invalidConfiguration("stateDirectory '\(state)' must be a dedicated absolute directory (it is deleted by `down`)")
        }
    }

    // MARK: - Helpers

    /// One lab operation at a time on this machine (the lock lives beside the base images).
    private func withLock<T>(_ body: () throws -> T) throws -> T {
        try Files.makeDirectory(configuration.cacheDirectory)
        let lockPath = configuration.cacheDirectory + "/lab.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LabError.fileSystem(path: lockPath, reason: "cannot open lock file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw LabError.busy(lockPath: lockPath) }
        return try body()
    }

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    static func entries(_ directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    static func remove(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw LabError.fileSystem(path: path, reason: "cannot remove: \(error)")
        }
    }
}

/// What a running lab recorded about itself (state.json), for people and scripts.
struct LabState: Codable {
    struct Host: Codable {
        var name: String
        var address: String
        var nspawnPid: Int32?
        var leaderPid: Int32?
    }

    var bridge: String
    var bridgeAddress: String
    var prefixLength: Int
    var baseImage: String
    var proxy: String
    var proxyPid: Int32?
    var keyPath: String
    var knownHostsPath: String
    var hosts: [Host]
    var startedAt: String
}

/// Errors from hosts prepared in parallel; the first one is reported.
final class FailureCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []

    func record(_ error: any Error) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }

    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return errors.first
    }
}
