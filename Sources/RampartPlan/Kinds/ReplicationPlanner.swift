import RampartBasics
import RampartFacts
import RampartModel

/// This server replicates from its primary: GTID (`MASTER_USE_GTID=slave_pos`; MySQL 8:
/// `SOURCE_AUTO_POSITION=1`), TLS that verifies the primary's certificate, `read_only` (MySQL 8:
/// `super_read_only`) at runtime. Configured only when `SHOW REPLICA STATUS` differs from the
/// wanted source (host, port, user, GTID, TLS) — never re-pointed on a no-op run; a replica whose
/// threads stopped is drift, shown with the server's last error and restarted. A new replica
/// (never replicated) first gets a copy of the primary's data. `state: absent` makes a primary:
/// replication removed, writes allowed. The replication password cannot be read back, so
/// changing only the password needs a re-point (`rampart db promote` or a changed user).
///
/// The SQL dialect follows the server's version from the facts; a server this plan installs is
/// assumed to be MariaDB (Debian's package).
enum ReplicationPlanner {
    static func plan(_ r: ReplicationResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        guard let mysql = context.facts.mysql else {
            if context.serverComesLater {
                if r.state == .absent { return [] }
                var steps = r.initialCopy ? [initialCopy(r, id, mysql8: false, note: "the server is installed by this plan")] : []
                steps.append(configure(r, id, &context, mysql8: false, reason: "replica, from \(r.primary)"))
                return steps
            }
            MySQLDatabasePlanner.unreachable(id, &context)
            return []
        }
        let mysql8 = mysql.isMySQL8
        let status = mysql.replication
        let source = status["Master_Host"] ?? ""
        if r.state == .absent { return primary(r, id, mysql) }

        if source.isEmpty && !mysql.hasReplicated && r.initialCopy {
            return [initialCopy(r, id, mysql8: mysql8, note: nil), configure(r, id, &context, mysql8: mysql8, reason: "replica, from \(r.primary)")]
        }
        let address = r.primaryAddress ?? r.primary
        var differences: [String] = []
        if source != address { differences.append("source \(source.isEmpty ? "none" : source) → \(r.primary) (\(address))") }
        else {
            if status["Master_Port"] != String(r.port) { differences.append("port → \(r.port)") }
            if status["Master_User"] != r.user { differences.append("user → \(r.user)") }
            if mysql8 ? status["Auto_Position"] != "1" : status["Using_Gtid"] != "Slave_Pos" { differences.append("GTID → \(mysql8 ? "auto position" : "slave_pos")") }
            if r.tls && (status["Master_SSL_Allowed"] != "Yes" || status["Master_SSL_Verify_Server_Cert"] != "Yes") { differences.append("TLS with a verified certificate") }
        }
        if !differences.isEmpty { return [configure(r, id, &context, mysql8: mysql8, reason: differences.joined(separator: ", "))] }
        var steps: [Step] = []
        if status["Slave_IO_Running"] != "Yes" || status["Slave_SQL_Running"] != "Yes" {
            let error = [status["Last_IO_Error"], status["Last_SQL_Error"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
            steps.append(Step([id], .update, summary: "restart replication (stopped\(error.isEmpty ? "" : ": \(error)"))",
                              script: StepScript(converged: nil, change: MySQL.runner), payload: .text(mysql8 ? "START REPLICA;\n" : "START SLAVE;\n")))
        }
        if r.readOnly && !mysql.readOnly {
            steps.append(Step([id], .update, summary: "read_only OFF → ON (a replica refuses writes)",
                              script: StepScript(converged: nil, change: MySQL.runner), payload: .text(readOnly(true, mysql8: mysql8))))
        }
        return steps
    }

    /// A primary: no source, writable.
    static func primary(_ r: ReplicationResource, _ id: ResourceID, _ mysql: MySQLFacts) -> [Step] {
        var sql = ""
        var changes: [String] = []
        if !(mysql.replication["Master_Host"] ?? "").isEmpty {
            sql += ReplicationSQL.forgetSource(mysql8: mysql.isMySQL8)
            changes.append("stop replicating from \(mysql.replication["Master_Host"]!) (this server is the primary)")
        }
        if mysql.readOnly {
            sql += readOnly(false, mysql8: mysql.isMySQL8)
            changes.append("read_only ON → OFF (the primary takes writes)")
        }
        guard !sql.isEmpty else { return [] }
        return [Step([id], .update, summary: changes.joined(separator: ", "), diff: sql,
                     script: StepScript(converged: nil, change: MySQL.runner), payload: .text(sql))]
    }

    static func readOnly(_ on: Bool, mysql8: Bool) -> String {
        let value = on ? "ON" : "OFF"
        // MySQL: super_read_only=ON implies read_only=ON; read_only=OFF implies super_read_only=OFF.
        return mysql8 ? (on ? "SET GLOBAL super_read_only=ON;\n" : "SET GLOBAL read_only=OFF;\n") : "SET GLOBAL read_only=\(value);\n"
    }

    /// The primary's data, dumped consistently with its GTID position, streamed into this
    /// server with binary logging off (no GTIDs of its own: a replica's history is its primary's).
    static func initialCopy(_ r: ReplicationResource, _ id: ResourceID, mysql8: Bool, note: String?) -> Step {
        let dump = mysql8
            ? "mysqldump --all-databases --single-transaction --set-gtid-purged=ON --routines --events --triggers"
            : "mariadb-dump --all-databases --single-transaction --gtid --master-data=1 --routines --events --triggers"
        let reset = mysql8 ? "STOP REPLICA; RESET REPLICA ALL; RESET MASTER;" : "STOP SLAVE; RESET SLAVE ALL; RESET MASTER;"
        // Guard: re-checked on the host — a server that replicates, or did, is not new.
        let status = mysql8 ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS"
        let replicated = mysql8 ? "SELECT @@gtid_executed <> ''" : "SELECT @@gtid_slave_pos <> ''"
        let converged = "[ -n \"$(mysql -NBe '\(status)')\" ] || [ \"$(mysql -NBe \"\(replicated)\")\" = 1 ]"
        let change = "{ printf '%s\\n' '\(reset)' 'SET SESSION sql_log_bin=0;'; cat; printf '%s\\n' 'FLUSH PRIVILEGES;'; } | \(MySQL.runner)"
        return Step([id], .create, summary: "initial copy of \(r.primary)'s data (replaces this server's databases)",
                    script: StepScript(converged: mysql8 ? "[ -n \"$(mysql -NBe '\(status)')\" ]" : converged, change: change),
                    payload: .relay(host: r.primary, command: dump), note: note)
    }

    static func configure(_ r: ReplicationResource, _ id: ResourceID, _ context: inout PlanContext, mysql8: Bool, reason: String) -> Step {
        let sql = ReplicationSQL.pointAt(r, address: r.primaryAddress ?? r.primary, mysql8: mysql8)
        return Step([id], .update, summary: reason, diff: sql.redacted, script: StepScript(converged: nil, change: MySQL.runner),
                    payload: context.payload(sql, key: "replication:\(r.channel)"))
    }
}

/// The statements that point a server at its source, in either dialect; shared by the planner
/// and `rampart db promote`. The password stays a secret segment.
public enum ReplicationSQL {
    /// `demote`: this server was a primary — its own binary log position becomes its
    /// replication position (MariaDB's `MASTER_DEMOTE_TO_SLAVE`), so nothing is fetched twice.
    public static func pointAt(_ r: ReplicationResource, address: String, mysql8: Bool, demote: Bool = false) -> SensitiveText {
        let host = MySQL.literal(address)
        var sql: SensitiveText
        if mysql8 {
            sql = SensitiveText("STOP REPLICA;\nCHANGE REPLICATION SOURCE TO SOURCE_HOST=\(host), SOURCE_PORT=\(r.port), ")
            sql = sql + SensitiveText("SOURCE_USER=\(MySQL.literal(r.user)), SOURCE_PASSWORD=") + MySQLUserPlanner.quoted(r.password)
            sql = sql + SensitiveText(", SOURCE_AUTO_POSITION=1")
            if r.tls {
                sql = sql + SensitiveText(", SOURCE_SSL=1, SOURCE_SSL_VERIFY_SERVER_CERT=1")
                if let ca = r.caFile { sql = sql + SensitiveText(", SOURCE_SSL_CA=\(MySQL.literal(ca))") }
            }
            return sql + SensitiveText(";\n" + (r.readOnly ? ReplicationPlanner.readOnly(true, mysql8: true) : "") + "START REPLICA;\n")
        }
        sql = SensitiveText("STOP SLAVE;\nCHANGE MASTER TO MASTER_HOST=\(host), MASTER_PORT=\(r.port), ")
        sql = sql + SensitiveText("MASTER_USER=\(MySQL.literal(r.user)), MASTER_PASSWORD=") + MySQLUserPlanner.quoted(r.password)
        sql = sql + SensitiveText(", MASTER_USE_GTID=slave_pos" + (demote ? ", MASTER_DEMOTE_TO_SLAVE=1" : ""))
        if r.tls {
            sql = sql + SensitiveText(", MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1")
            if let ca = r.caFile { sql = sql + SensitiveText(", MASTER_SSL_CA=\(MySQL.literal(ca))") }
        }
        return sql + SensitiveText(";\n" + (r.readOnly ? ReplicationPlanner.readOnly(true, mysql8: false) : "") + "START SLAVE;\n")
    }

    /// Replication stopped and its source forgotten.
    public static func forgetSource(mysql8: Bool) -> String {
        mysql8 ? "STOP REPLICA;\nRESET REPLICA ALL;\n" : "STOP SLAVE;\nRESET SLAVE ALL;\n"
    }

    /// Writes refused (replica) or taken (primary).
    public static func readOnly(_ on: Bool, mysql8: Bool) -> String { ReplicationPlanner.readOnly(on, mysql8: mysql8) }

    /// A string literal: `'it''s'`, backslashes doubled.
    public static func literal(_ text: String) -> String { MySQL.literal(text) }
}
