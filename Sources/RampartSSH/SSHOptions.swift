import RampartBasics

/// How Rampart treats a host key that is not (yet) in known_hosts.
public enum HostKeyPolicy: String, Sendable, Codable, CaseIterable {
    /// Only keys already in a known_hosts file are accepted (the default).
    case strict
    /// First contact records the key in the first known_hosts file; a changed key is still refused.
    case acceptNew = "accept-new"
    /// No checking at all. Loudly warned: anyone on the path can impersonate the host.
    case off
}

/// Everything needed to open one SSH session to one host.
public struct SSHOptions: Sendable {
    /// Inventory name, used in every message.
    public var hostName: String
    public var address: String
    public var port: Int
    public var user: String
    /// Private key files to try, in order, before the agent's keys.
    public var identityFiles: [String]
    /// Try keys held by ssh-agent (`SSH_AUTH_SOCK`).
    public var useAgent: Bool
    /// known_hosts files; the first one receives keys recorded under `accept-new`.
    public var knownHostsFiles: [String]
    public var hostKeyPolicy: HostKeyPolicy
    public var connectTimeout: Double
    /// Default per-command limit; a command may set its own.
    public var commandTimeout: Double
    /// Seconds between keepalives on an idle or busy session; 0 disables them. A session that
    /// hears nothing for `keepaliveCountMax` intervals while waiting is declared lost.
    public var keepaliveInterval: Int
    /// Keepalives missed in a row before the host is declared lost (OpenSSH's ServerAliveCountMax).
    public var keepaliveCountMax = 3
    /// Jump hosts to pass through, first hop first (OpenSSH's ProxyJump); each hop's own `jumps`
    /// are the hops before it. Empty: connect directly.
    public var jumps: [SSHOptions] = []
    /// A jump host's login when `user` is refused (a fresh server before its deploy user exists).
    public var bootstrapUser: String?
    /// The ssh-agent socket; nil means `SSH_AUTH_SOCK`.
    public var agentSocket: String?
    /// Wrap privileged commands in sudo when the user is not root.
    public var become: Bool
    /// The sudo password, fed on stdin; nil means passwordless sudo (`sudo -n`).
    public var becomePassword: Secret?

    public init(hostName: String, address: String, port: Int = 22, user: String = "root",
                identityFiles: [String] = [], useAgent: Bool = true,
                knownHostsFiles: [String] = SSHOptions.defaultKnownHostsFiles,
                hostKeyPolicy: HostKeyPolicy = .strict, connectTimeout: Double = 10,
                commandTimeout: Double = 600, keepaliveInterval: Int = 15,
                become: Bool = false, becomePassword: Secret? = nil) {
        self.hostName = hostName
        self.address = address
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.useAgent = useAgent
        self.knownHostsFiles = knownHostsFiles
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.keepaliveInterval = keepaliveInterval
        self.become = become
        self.becomePassword = becomePassword
    }

    /// `~/.ssh/known_hosts`, as OpenSSH uses it.
    public static var defaultKnownHostsFiles: [String] {
        [homeDirectory() + "/.ssh/known_hosts"]
    }

    /// Keys OpenSSH would try when none is configured (RSA left out: libssh2 1.10 cannot use it).
    public static var defaultIdentityFiles: [String] {
        let home = homeDirectory()
        return ["\(home)/.ssh/id_ed25519", "\(home)/.ssh/id_ecdsa"]
    }

    static func homeDirectory() -> String {
        if let home = getenv("HOME") { return String(cString: home) }
        return "/root"
    }

    /// The route for messages: `bastion → web1`.
    public var route: String { (jumps.map(\.hostName) + [hostName]).joined(separator: " → ") }

    /// `user@address:port` for messages.
    var endpoint: String { port == 22 ? "\(user)@\(address)" : "\(user)@\(address):\(port)" }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
