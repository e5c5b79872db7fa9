import Foundation
import RampartSSH

/// A real OpenSSH `sshd` on loopback for transport tests and benchmarks: its own temp dir, host keys,
/// authorized_keys and an unprivileged port. Stopped (and the dir removed) by `stop()`.
public final class LoopbackSSHServer: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    public let clientKey: String
    public let knownHosts: String

    static let sshd = "/usr/sbin/sshd"

    /// Creates keys (ed25519 client key, ECDSA + ed25519 host keys) and starts sshd.
    public init(extraConfig: String = "") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-sshd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        clientKey = directory.appendingPathComponent("id_ed25519").path
        knownHosts = directory.appendingPathComponent("known_hosts").path
        try Self.shell("ssh-keygen -q -t ed25519 -N '' -f \(clientKey)")
        try regenerateHostKeys()
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: path("authorized_keys"))
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let config = """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(path("host_ecdsa"))
        HostKey \(path("host_ed25519"))
        AuthorizedKeysFile \(path("authorized_keys"))
        PidFile \(path("sshd.pid"))
        StrictModes no
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        MaxSessions 100
        MaxStartups 100:30:200
        LogLevel ERROR
        \(extraConfig)
        """
        try config.write(toFile: path("sshd_config"), atomically: true, encoding: .utf8)
        try start()
    }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// New host keys (the "server was reinstalled" case); restart to make sshd use them.
    public func regenerateHostKeys() throws {
        for name in ["host_ecdsa", "host_ed25519"] {
            try? FileManager.default.removeItem(atPath: path(name))
            try? FileManager.default.removeItem(atPath: path(name) + ".pub")
        }
        try Self.shell("ssh-keygen -q -t ecdsa -b 256 -N '' -f \(path("host_ecdsa")) && ssh-keygen -q -t ed25519 -N '' -f \(path("host_ed25519"))")
    }

    /// known_hosts lines for this server, as `ssh-keyscan` would write them.
    public func writeKnownHosts(hashed: Bool = false) throws {
        var lines = ""
        for name in ["host_ecdsa", "host_ed25519"] {
            let pub = try String(contentsOfFile: path(name) + ".pub", encoding: .utf8).split(separator: " ")
            lines += "[127.0.0.1]:\(port) \(pub[0]) \(pub[1])\n"
        }
        try lines.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        if hashed { try Self.shell("ssh-keygen -q -H -f \(knownHosts) && rm -f \(knownHosts).old") }
    }

    /// Starts sshd as a daemon (it forks and writes its PidFile). Test code never keeps a
    /// long-lived child: Foundation's Process on Linux blocks in wait4 on a running child
    /// whenever another child exits, which deadlocks every later `Process` call.
    public func start() throws {
        try? FileManager.default.removeItem(atPath: path("sshd.pid"))
        try Self.shell("\(Self.sshd) -f \(path("sshd_config")) -E \(path("sshd.log"))")
        // Ready when the port answers with an SSH banner.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.bannerAvailable(port: port) { return }
            usleep(20_000)
        }
        throw NSError(domain: "LoopbackSSHServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "sshd did not start on port \(port)"])
    }

    public func stopDaemon() {
        guard let text = try? String(contentsOfFile: path("sshd.pid"), encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        kill(pid, SIGTERM)
        // The listener exits at once; wait until the port is free so a restart can bind it.
        for _ in 0..<200 where Self.bannerAvailable(port: port) { usleep(10_000) }
        try? FileManager.default.removeItem(atPath: path("sshd.pid"))
    }

    public func stop() {
        stopDaemon()
        try? FileManager.default.removeItem(at: directory)
    }

    public func options(hostName: String = "test", policy: HostKeyPolicy = .strict) -> SSHOptions {
        SSHOptions(hostName: hostName, address: "127.0.0.1", port: port, user: "root",
                   identityFiles: [clientKey], useAgent: false, knownHostsFiles: [knownHosts],
                   hostKeyPolicy: policy, connectTimeout: 5, commandTimeout: 30)
    }

    /// A local login whose shell is plain `sh`. Benchmarks use it: this machine's root runs bash,
    /// which sources ~/.bashrc for every ssh command (pyenv init here: ~100 ms), which would
    /// measure the dotfiles instead of the transport.
    public static func ensurePlainUser(_ name: String) throws {
        // `*` (no password, not locked): with UsePAM no, sshd refuses every login of a `!`-locked account.
        try shell("id \(name) >/dev/null 2>&1 || useradd -M -d /tmp -s /bin/sh \(name); usermod -p '*' \(name)")
    }

    /// Runs `/bin/sh -c command` and waits for the shell itself with waitpid. Not Foundation's
    /// Process: it waits for every holder of an inherited socket to close it, so a daemon the
    /// command starts (ssh-agent) would block it forever.
    public static func shell(_ command: String) throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else {
            throw NSError(domain: "LoopbackSSHServer", code: Int(spawned),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start /bin/sh for: \(command)"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw NSError(domain: "LoopbackSSHServer", code: Int(code),
                          userInfo: [NSLocalizedDescriptionKey: "command failed (status \(code)): \(command)"])
        }
    }

    /// An unused TCP port on loopback, picked by the kernel.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func bannerAvailable(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        // A listener that is exiting can accept and never answer: never wait long for the banner.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4)
        return recv(fd, &buffer, 4, 0) == 4 && buffer == Array("SSH-".utf8)
    }
}
