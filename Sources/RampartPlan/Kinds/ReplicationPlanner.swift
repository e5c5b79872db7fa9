import RampartBasics
import RampartFacts
import RampartModel

/// This server replicates from its primary: GTID (`MASTER_USE_GTID=slave_pos`), TLS that
/// verifies the primary's certificate. Configured only when `SHOW SLAVE STATUS` differs from the
/// wanted source (host, port, user, GTID, TLS) — never re-pointed on a no-op run; a replica
/// whose threads stopped is drift, shown with the server's last error and restarted. The
/// replication password cannot be read back, so changing only the password needs a re-point
/// (`rampart db promote` or a changed user).
enum ReplicationPlanner {
    static func plan(_ r: ReplicationResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        guard let mysql = context.facts.mysql else {
            if context.serverComesLater { return [configure(r, id, &context, reason: "replica, from \(r.primary)")] }
            MySQLDatabasePlanner.unreachable(id, &context)
            return []
        }
        let status = mysql.replication
        let address = r.primaryAddress ?? r.primary
        var differences: [String] = []
        if status["Master_Host"] != address { differences.append("source \(status["Master_Host"].map { $0.isEmpty ? "none" : $0 } ?? "none") → \(r.primary) (\(address))") }
        else {
            if status["Master_Port"] != String(r.port) { differences.append("port → \(r.port)") }
            if status["Master_User"] != r.user { differences.append("user → \(r.user)") }
            if status["Using_Gtid"] != "Slave_Pos" { differences.append("GTID → slave_pos") }
            if r.tls && (status["Master_SSL_Allowed"] != "Yes" || status["Master_SSL_Verify_Server_Cert"] != "Yes") { differences.append("TLS with a verified certificate") }
        }
        if !differences.isEmpty { return [configure(r, id, &context, reason: differences.joined(separator: ", "))] }
        if status["Slave_IO_Running"] != "Yes" || status["Slave_SQL_Running"] != "Yes" {
            let error = [status["Last_IO_Error"], status["Last_SQL_Error"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
            return [Step([id], .update, summary: "restart replication (stopped\(error.isEmpty ? "" : ": \(error)"))",
                         script: StepScript(converged: nil, change: MySQL.runner), payload: .text("START SLAVE;\n"))]
        }
        return []
    }

    static func configure(_ r: ReplicationResource, _ id: ResourceID, _ context: inout PlanContext, reason: String) -> Step {
        var sql = SensitiveText("STOP SLAVE;\nCHANGE MASTER TO MASTER_HOST=\(MySQL.literal(r.primaryAddress ?? r.primary)), MASTER_PORT=\(r.port), ")
        sql = sql + SensitiveText("MASTER_USER=\(MySQL.literal(r.user)), MASTER_PASSWORD=") + MySQLUserPlanner.quoted(r.password)
        sql = sql + SensitiveText(", MASTER_USE_GTID=slave_pos")
        if r.tls {
            sql = sql + SensitiveText(", MASTER_SSL=1, MASTER_SSL_VERIFY_SERVER_CERT=1")
            if let ca = r.caFile { sql = sql + SensitiveText(", MASTER_SSL_CA=\(MySQL.literal(ca))") }
        }
        sql = sql + SensitiveText(";\nSTART SLAVE;\n")
        let bytes = Array(sql.revealed().utf8)
        let key = "replication:\(r.channel)"
        context.secretPayloads[key] = bytes
        return Step([id], .update, summary: reason, script: StepScript(converged: nil, change: MySQL.runner),
                    payload: .sensitive(sha256: sha256Hex(bytes), path: key))
    }
}
