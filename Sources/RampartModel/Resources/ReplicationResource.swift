import RampartBasics

/// This server replicates from `primary` with GTID, over TLS that verifies the primary's
/// certificate, and refuses other writes. `state: absent` says the opposite: this server is a
/// primary — no replication source, writable.
public struct ReplicationResource: ResourceDescription {
    public static let kind = ResourceKind.replication

    /// The replication channel; `default` for the unnamed one.
    public var channel: String
    /// The inventory host that is the primary.
    public var primary: String
    /// Its address, filled in by the catalog from the inventory.
    public var primaryAddress: String?
    public var port: Int
    public var user: String
    public var password: SensitiveText
    public var tls: Bool
    /// Verify the primary's certificate against this CA file on the replica.
    public var caFile: String?
    /// The replica refuses writes from everyone but replication.
    public var readOnly: Bool
    /// A new replica (never configured) first gets a copy of the primary's data (`mariadb-dump
    /// --gtid` streamed through the control node), so the primary's purged binary logs don't matter.
    public var initialCopy: Bool
    public var state: Presence

    public var name: String { channel }

    public init(channel: String = "default", primary: String, port: Int = 3306, user: String, password: SensitiveText,
                tls: Bool = true, caFile: String? = nil, readOnly: Bool = true, initialCopy: Bool = true,
                state: Presence = .present) {
        self.channel = channel
        self.primary = primary
        self.port = port
        self.user = user
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.readOnly = readOnly
        self.initialCopy = initialCopy
        self.state = state
    }

    /// This server is a primary: replication off, writes allowed.
    public static func primary(channel: String = "default") -> ReplicationResource {
        ReplicationResource(channel: channel, primary: "", user: "", password: "", readOnly: false, initialCopy: false, state: .absent)
    }
}
