import RampartCatalog
import RampartModel

/// Databases, accounts and their privileges on a MySQL-compatible server — one `mysql` call as
/// root over the unix socket, only when the catalog manages such resources and the server runs.
enum MySQLProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let wanted = catalog.resources.contains {
            switch $0.spec { case .mysqlDatabase, .mysqlUser, .replication: return true; default: return false }
        }
        guard wanted else { return nil }
        let sql = """
        SELECT CONCAT('D|', schema_name, '|', default_character_set_name, '|', default_collation_name) FROM information_schema.schemata;
        SELECT CONCAT('U|', user, '@', host, '|', plugin, '|', authentication_string, '|', ssl_type, '|', max_user_connections) FROM mysql.user;
        SELECT CONCAT('G|', grantee, '|', table_schema, '|', privilege_type) FROM information_schema.schema_privileges;
        SELECT CONCAT('G|', grantee, '|*|', privilege_type) FROM information_schema.user_privileges WHERE privilege_type <> 'USAGE';
        """
        // SHOW SLAVE STATUS\G prints `Key: value` lines; each becomes `R|Key|value`.
        let replication = "mysql -e 'SHOW SLAVE STATUS\\G' | sed -n 's/^ *\\([A-Za-z_]*\\): \\(.*\\)$/R|\\1|\\2/p; s/^ *\\([A-Za-z_]*\\):$/R|\\1|/p'"
        let script = "if command -v mysql >/dev/null 2>&1 && mysql -NB -e 'SELECT 1' >/dev/null 2>&1; then echo 'Q|up'; mysql -NB <<'RAMPART_SQL'\n\(sql)\nRAMPART_SQL\n\(replication)\nfi\ntrue"
        return ProbeSection(name: "mysql", script: script) { output, facts in
            var mysql: MySQLFacts?
            for line in output.split(separator: "\n") {
                let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                switch f.first {
                case "Q": mysql = MySQLFacts()
                case "D" where f.count == 4: mysql?.databases[f[1]] = [f[2], f[3]]
                case "U" where f.count == 6:
                    mysql?.accounts[f[1]] = MySQLFacts.Account(plugin: f[2], authentication: f[3], sslType: f[4], maxConnections: Int(f[5]) ?? 0)
                case "R" where f.count >= 3: mysql?.replication[f[1]] = f[2...].joined(separator: "|")
                case "G" where f.count == 4:
                    // grantee is 'user'@'host'
                    let grantee = f[1].replacingOccurrences(of: "'", with: "")
                    mysql?.privileges[grantee, default: []].insert("\(f[2])|\(f[3])")
                default: continue
                }
            }
            facts.mysql = mysql
        }
    }
}
