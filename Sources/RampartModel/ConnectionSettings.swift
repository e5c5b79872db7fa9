/// How to reach hosts over SSH. Set at inventory, group or host level; unset fields inherit
/// (host beats group beats inventory defaults).
public struct ConnectionSettings: Sendable, Hashable, Codable {
    public var port: Int?
    public var user: String?
    /// Private key file (ed25519 or ECDSA), already resolved to an absolute path by the loader.
    public var key: String?
    /// known_hosts file, absolute.
    public var knownHosts: String?
    /// `strict` (default), `accept-new` or `off`.
    public var hostKeyChecking: String?
    /// Run privileged commands through sudo when the user is not root.
    public var become: Bool?
    /// Name of the environment variable holding the sudo password (never the password itself).
    public var becomePasswordEnv: String?
    public var connectTimeout: Double?
    public var commandTimeout: Double?
    /// Who to log in as when `user` is refused: a fresh server reachable only as root (or a sudo
    /// user) until the playbook creates the deploy user and hardens sshd. Tried only after an
    /// authentication failure, never after a host key problem.
    public var bootstrapUser: String?
    /// Seconds between SSH keepalives; a host that answers none of 3 in a row is lost (like
    /// OpenSSH's ServerAliveInterval with ServerAliveCountMax 3). Bounds how long a cut link or a
    /// dead host can hold a step.
    public var keepaliveInterval: Int?
    /// OpenSSH client configuration to read: a file (absolute, resolved by the loader), `none`, or
    /// nil for ssh's own (`~/.ssh/config`, then `/etc/ssh/ssh_config`).
    public var sshConfig: String?
    /// Jump hosts, first hop first (`[user@]host[:port]` or an inventory host's name); an empty
    /// list connects directly even if ssh_config has a ProxyJump. nil: ssh_config decides.
    public var jump: [String]?

    /// `ssh_config: none`.
    public static let noSSHConfig = "none"

    public init(port: Int? = nil, user: String? = nil, key: String? = nil, knownHosts: String? = nil,
                hostKeyChecking: String? = nil, become: Bool? = nil, becomePasswordEnv: String? = nil,
                connectTimeout: Double? = nil, commandTimeout: Double? = nil, bootstrapUser: String? = nil,
                keepaliveInterval: Int? = nil, sshConfig: String? = nil, jump: [String]? = nil) {
        self.port = port
        self.user = user
        self.key = key
        self.knownHosts = knownHosts
        self.hostKeyChecking = hostKeyChecking
        self.become = become
        self.becomePasswordEnv = becomePasswordEnv
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.bootstrapUser = bootstrapUser
        self.keepaliveInterval = keepaliveInterval
        self.sshConfig = sshConfig
        self.jump = jump
    }

    /// These settings with every unset field taken from `base`.
    public func inheriting(from base: ConnectionSettings) -> ConnectionSettings {
        ConnectionSettings(port: port ?? base.port, user: user ?? base.user, key: key ?? base.key,
                           knownHosts: knownHosts ?? base.knownHosts,
                           hostKeyChecking: hostKeyChecking ?? base.hostKeyChecking,
                           become: become ?? base.become, becomePasswordEnv: becomePasswordEnv ?? base.becomePasswordEnv,
                           connectTimeout: connectTimeout ?? base.connectTimeout,
                           commandTimeout: commandTimeout ?? base.commandTimeout,
                           bootstrapUser: bootstrapUser ?? base.bootstrapUser,
                           keepaliveInterval: keepaliveInterval ?? base.keepaliveInterval,
                           sshConfig: sshConfig ?? base.sshConfig, jump: jump ?? base.jump)
    }
}
