import RampartModel

/// Databases, accounts, privileges and replication on a MySQL-compatible server — `mysql` as root
/// over the unix socket (a check, the queries, the replica status), only when the catalog
/// manages such resources and the server runs.
enum MySQLProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let wanted = catalog.resources.contains {
            switch $0.spec { case .mysqlDatabase, .mysqlUser, .replication: return true; default: return false }
        }
        guard wanted else { return nil }
        // --force: a statement that does not exist on this flavor (MariaDB's GTID variables on
        // MySQL 8) prints an error and the rest still runs.
        let sql = """
        SELECT CONCAT('V|', VERSION(), '|', @@read_only);
        SELECT CONCAT('P|', @@gtid_slave_pos <> '');
        SELECT CONCAT('D|', schema_name, '|', default_character_set_name, '|', default_collation_name) FROM information_schema.schemata;
        SELECT CONCAT('U|', user, '@', host, '|', plugin, '|', authentication_string, '|', ssl_type, '|', max_user_connections) FROM mysql.user;
        SELECT CONCAT('G|', grantee, '|', table_schema, '|', privilege_type) FROM information_schema.schema_privileges;
        SELECT CONCAT('G|', grantee, '|*|', privilege_type) FROM information_schema.user_privileges WHERE privilege_type <> 'USAGE';
        SELECT 'Q|answered';
        """
        // SHOW REPLICA STATUS\G (both flavors) prints `Key: value` lines; each becomes `R|Key|value`.
        let replication = "$rampart_mysql -e 'SHOW REPLICA STATUS\\G' | sed -n 's/^ *\\([A-Za-z_]*\\): \\(.*\\)$/R|\\1|\\2/p; s/^ *\\([A-Za-z_]*\\):$/R|\\1|/p'"
        // Over the unix socket TLS protects nothing, and MariaDB's client negotiates it on every
        // call when the server has a certificate (~45 ms each, the largest part of a database
        // host's facts); MySQL 8's client has no --skip-ssl (and no TLS on the socket).
        let connect = "if mysql --skip-ssl -NB -e 'SELECT 1' >/dev/null 2>&1; then rampart_mysql='mysql --skip-ssl'; elif mysql -NB -e 'SELECT 1' >/dev/null 2>&1; then rampart_mysql=mysql; fi"
        let script = "rampart_mysql=\nif command -v mysql >/dev/null 2>&1; then \(connect); fi\nif [ -n \"${rampart_mysql}\" ]; then echo 'Q|up'; $rampart_mysql -NB --force 2>/dev/null <<'RAMPART_SQL'\n\(sql)\nRAMPART_SQL\n\(replication)\nfi\ntrue"
        return ProbeSection(name: "mysql", script: script) { output, facts in
            var mysql: MySQLFacts?
            var answered = false
            for line in output.split(separator: "\n") {
                let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                switch f.first {
                case "Q" where f.count == 2 && f[1] == "up": mysql = MySQLFacts()
                case "Q" where f.count == 2 && f[1] == "answered": answered = true
                case "V" where f.count == 3: mysql?.version = f[1]; mysql?.readOnly = f[2] != "0" && f[2] != "OFF"  // MariaDB 10.11: OFF, ON, NO_LOCK…
                case "P" where f.count == 2: mysql?.hasReplicated = f[1] == "1"
                case "D" where f.count == 4: mysql?.databases[f[1]] = [f[2], f[3]]
                case "U" where f.count == 6:
                    mysql?.accounts[f[1]] = MySQLFacts.Account(plugin: f[2], authentication: f[3], sslType: f[4], maxConnections: Int(f[5]) ?? 0)
                case "R" where f.count >= 3:
                    guard let key = ReplicationStatus.stableKey(f[1]) else { continue }
                    mysql?.replication[key] = f[2...].joined(separator: "|")
                case "G" where f.count == 4:
                    // grantee is 'user'@'host'
                    let grantee = f[1].replacingOccurrences(of: "'", with: "")
                    mysql?.privileges[grantee, default: []].insert("\(f[2])|\(f[3])")
                default: continue
                }
            }
            // A server that stopped answering mid-probe is not running: no half-read accounts.
            if !answered { mysql = nil }
            if var m = mysql, m.isMySQL8, !m.replication.isEmpty { m.hasReplicated = true; mysql = m }
            facts.mysql = mysql
        }
    }
}

/// The fields of `SHOW REPLICA STATUS` that describe the wanted state, under MariaDB's names;
/// MySQL 8's names (`Source_Host`, `Replica_IO_Running`, `Auto_Position`) map onto them.
public enum ReplicationStatus {
    static let mysql8Names = [
        "Source_Host": "Master_Host", "Source_Port": "Master_Port", "Source_User": "Master_User",
        "Replica_IO_Running": "Slave_IO_Running", "Replica_SQL_Running": "Slave_SQL_Running",
        "Source_SSL_Allowed": "Master_SSL_Allowed", "Source_SSL_Verify_Server_Cert": "Master_SSL_Verify_Server_Cert",
        "Source_SSL_CA_File": "Master_SSL_CA_File", "Auto_Position": "Auto_Position",
    ]
    static let kept: Set<String> = [
        "Master_Host", "Master_Port", "Master_User", "Using_Gtid", "Slave_IO_Running", "Slave_SQL_Running",
        "Master_SSL_Allowed", "Master_SSL_Verify_Server_Cert", "Master_SSL_CA_File", "Last_IO_Error", "Last_SQL_Error",
    ]

    /// The name a status field is kept under, or nil for moving positions and lag.
    public static func stableKey(_ field: String) -> String? {
        if let mapped = mysql8Names[field] { return mapped }
        return kept.contains(field) ? field : nil
    }
}
