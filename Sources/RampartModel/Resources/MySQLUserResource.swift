import RampartBasics

/// An account on a MySQL-compatible server; the password travels only on stdin.
public struct MySQLUserResource: ResourceDescription {
    public static let kind = ResourceKind.mysqlUser

    public var user: String
    /// The client host part: an address, a pattern like `10.0.0.%`, or `localhost`.
    public var host: String
    public var password: SensitiveText?
    /// Grants as `target: PRIV, PRIV`, e.g. `app.*: SELECT, INSERT` or `*.*: REPLICATION SLAVE`.
    public var privileges: [String]
    public var requireTLS: Bool
    public var maxConnections: Int?
    public var state: Presence

    public var name: String { "\(user)@\(host)" }

    public init(_ user: String, host: String, password: SensitiveText? = nil, privileges: [String] = [],
                requireTLS: Bool = false, maxConnections: Int? = nil, state: Presence = .present) {
        self.user = user
        self.host = host
        self.password = password
        self.privileges = privileges
        self.requireTLS = requireTLS
        self.maxConnections = maxConnections
        self.state = state
    }
}
