import RampartModel

/// `mysql_database:` — a database on the host's MariaDB/MySQL server.
public struct MySQLDatabase: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, charset: String? = nil, collation: String? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["charset"] = charset.map(Value.string)
        fields["collation"] = collation.map(Value.string)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("mysql_database", name, fields, at)
    }
}

/// `mysql_user:` — an account `name@host` with its privileges (`"app.*: SELECT, INSERT"`).
/// The password is a template naming a vault variable: never a literal in Swift source.
public struct MySQLUser: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, host: String, password: String? = nil, privileges: [String]? = nil, requireTLS: Bool? = nil,
                maxConnections: Int? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["host"] = .string(host)
        fields["password"] = password.map(Value.string)
        fields["privileges"] = privileges.map(Value.strings)
        fields["require_tls"] = requireTLS.map(Value.bool)
        fields["max_connections"] = maxConnections.map(Value.int)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("mysql_user", name, fields, at)
    }
}

/// `replication:` — this server replicates from a primary (GTID, TLS, read-only, seeded with a
/// copy of the primary's data), or `.primary` replicates from nobody.
public struct Replication: ResourceDeclaration {
    public var declared: DeclaredResource

    /// A replica of `primary` (a host by handle, or the first of a group: `.first(of: dbPrimary)`).
    public init(_ channel: String, primary: HostTarget, user: String, password: String, port: Port? = nil, tls: Bool? = nil,
                caFile: String? = nil, readOnly: Bool? = nil, initialCopy: Bool? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["primary"] = .string(primary.template)
        fields["port"] = port.map { .int(Int($0.number)) }
        fields["user"] = .string(user)
        fields["password"] = .string(password)
        fields["tls"] = tls.map(Value.bool)
        fields["ca_file"] = caFile.map(Value.string)
        fields["read_only"] = readOnly.map(Value.bool)
        fields["initial_copy"] = initialCopy.map(Value.bool)
        declared = DeclaredResource("replication", channel, fields, at)
    }

    /// This server is a primary: it replicates from nobody on this channel.
    public static func primary(_ channel: String = "default", file: String = #filePath, line: Int = #line, column: Int = #column) -> Replication {
        Replication(primaryChannel: channel, at: SwiftLocation(file: file, line: line, column: column))
    }

    private init(primaryChannel: String, at: SwiftLocation) {
        var fields = DeclaredFields(at)
        fields["state"] = .string(Presence.absent.rawValue)
        declared = DeclaredResource("replication", primaryChannel, fields, at)
    }
}
