import RampartBasics

/// This server replicates from `primary` with GTID, over TLS that verifies the primary's certificate.
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

    public var name: String { channel }

    public init(channel: String = "default", primary: String, port: Int = 3306, user: String, password: SensitiveText,
                tls: Bool = true, caFile: String? = nil, readOnly: Bool = true) {
        self.channel = channel
        self.primary = primary
        self.port = port
        self.user = user
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.readOnly = readOnly
    }
}
