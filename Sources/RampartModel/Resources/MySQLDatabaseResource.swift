/// A database on a MySQL-compatible server.
public struct MySQLDatabaseResource: ResourceDescription {
    public static let kind = ResourceKind.mysqlDatabase

    public var name: String
    public var charset: String
    public var collation: String?
    public var state: Presence

    public init(_ name: String, charset: String = "utf8mb4", collation: String? = nil, state: Presence = .present) {
        self.name = name
        self.charset = charset
        self.collation = collation
        self.state = state
    }
}
