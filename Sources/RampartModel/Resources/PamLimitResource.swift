/// A resource limit for PAM sessions, in its own /etc/security/limits.d file.
public struct PamLimitResource: ResourceDescription {
    public static let kind = ResourceKind.pamLimits
    public static let directory = "/etc/security/limits.d"
    public enum LimitType: String, Sendable, Hashable, Codable, CaseIterable { case soft, hard, both = "-" }

    /// A label, the file's stem (letters, digits, `-`, `_`, `.`).
    public var name: String
    /// `*`, a user, `@group`.
    public var domain: String
    public var type: LimitType
    /// `nofile`, `nproc`, `core`, `memlock`, …
    public var item: String
    public var value: String
    public var state: Presence

    public init(_ name: String, domain: String = "*", type: LimitType = .both, item: String, value: String, state: Presence = .present) {
        self.name = name
        self.domain = domain
        self.type = type
        self.item = item
        self.value = value
        self.state = state
    }

    public static let items = ["core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as", "maxlogins",
                               "maxsyslogins", "nonewprivs", "priority", "locks", "sigpending", "msgqueue", "nice", "rtprio", "chroot"]
    public var path: String { Self.path(name) }
    public static func path(_ name: String) -> String { "\(directory)/rampart-\(name).conf" }
    public var content: String { "# Managed by Rampart: pam_limits '\(name)'.\n\(domain) \(type.rawValue) \(item) \(value)\n" }
}
