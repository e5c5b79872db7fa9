import RampartBasics

/// `StrictHostKeyChecking`'s four values.
public enum StrictHostKeyChecking: String, Sendable, Hashable {
    case yes, no, ask
    case acceptNew = "accept-new"
}

/// Where `IdentityAgent` sends Rampart for agent keys.
public enum IdentityAgent: Sendable, Hashable {
    /// `none`: no agent.
    case none
    /// `SSH_AUTH_SOCK`: the environment's agent, as by default.
    case environment
    /// A socket path, `~`, `%` tokens and `${VAR}` expanded.
    case socket(String)
    /// `$VAR`: the socket path is in that environment variable when connecting (no agent if unset).
    case variable(String)
}

/// One hop of a `ProxyJump` chain: `[user@]host[:port]` or `ssh://[user@]host[:port]`.
public struct JumpSpec: Sendable, Hashable, CustomStringConvertible {
    public var user: String?
    public var host: String
    public var port: Int?

    public init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// Parses one hop; nil when it is not `[user@]host[:port]` (IPv6 in brackets) or an ssh:// URI.
    public static func parse(_ text: String) -> JumpSpec? {
        var rest = Substring(text)
        if rest.lowercased().hasPrefix("ssh://") {
            rest = rest.dropFirst(6)
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            guard !rest.contains("/") else { return nil }
        }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            if user?.isEmpty == true { return nil }
        }
        var host: Substring, port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "," || $0 == "@" }) else { return nil }
        return JumpSpec(user: user, host: String(host), port: port)
    }

    public var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return (user.map { "\($0)@" } ?? "") + name + (port.map { ":\($0)" } ?? "")
    }
}

/// What OpenSSH's configuration says for one host name, after Host/Match, Include and first-value-
/// wins: every field is nil (or empty) when no file set it, so the caller can lay its own
/// precedence over it. Paths have `~`, `%` tokens and `${VAR}` expanded.
public struct ResolvedSSHConfig: Sendable {
    /// The name asked about (what a user would type after `ssh`).
    public var name: String
    /// `HostName`, with `%h` expanded and lowercased as ssh does (addresses as written); the name
    /// itself (lowercased) when not set.
    public var hostName: String
    public var user: String?
    public var port: Int?
    /// `IdentityFile`s in order, duplicates dropped, expanded; empty when none is configured.
    public var identityFiles: [String] = []
    /// As written in the files (what `ssh -G` prints).
    public var identityFilesAsWritten: [String] = []
    public var identitiesOnly: Bool?
    public var identityAgent: IdentityAgent?
    /// The hops before the host, first hop first; empty for `ProxyJump none`, nil when unset.
    public var proxyJump: [JumpSpec]?
    /// The ProxyJump value as `ssh -G` prints it (the last hop normalised, e.g. from an ssh:// URI).
    public var proxyJumpAsWritten: String?
    /// `UserKnownHostsFile`s, expanded; an empty list for `none`.
    public var userKnownHostsFiles: [String]?
    public var globalKnownHostsFiles: [String]?
    public var strictHostKeyChecking: StrictHostKeyChecking?
    /// Seconds; nil when unset or `none`.
    public var connectTimeout: Int?
    public var serverAliveInterval: Int?
    public var serverAliveCountMax: Int?
    /// Where each resolved keyword (lowercased) came from.
    public var origins: [String: SourceLocation] = [:]
    /// Keywords this host's config sets that would make ssh connect differently from Rampart.
    public var warnings: [Diagnostic] = []

    /// `user@host`'s defaults as OpenSSH applies them, for comparing with `ssh -G`.
    public static let defaultPort = 22
    public static func defaultUserKnownHostsFiles(home: String) -> [String] {
        ["\(home)/.ssh/known_hosts", "\(home)/.ssh/known_hosts2"]
    }
    public static let defaultGlobalKnownHostsFiles = ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"]
}
