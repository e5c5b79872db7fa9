import RampartBasics
import RampartFacts
import RampartModel

/// Accounts: created, their password, TLS requirement, connection limit and privileges compared
/// with the server's (the password by its stored hash, so it is never sent just to compare) and
/// changed only where they differ. The SQL carrying a password is a sensitive payload: on stdin,
/// hashed in plan files. Privileges are `db.*` or `*.*` lists; `ALL` is refused (least privilege).
enum MySQLUserPlanner {
    static func plan(_ u: MySQLUserResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let name = "\(u.user)@\(u.host)"
        let account = MySQL.account(u.user, u.host)
        let mysql = context.facts.mysql
        guard let wantedPrivileges = privileges(u, &context, id, mariaDB: !(mysql?.isMySQL8 ?? false)) else { return [] }
        if mysql == nil && !context.serverComesLater {
            MySQLDatabasePlanner.unreachable(id, &context)
            return []
        }
        let existing = mysql?.accounts[name]
        if u.state == .absent {
            guard existing != nil else { return [] }
            return [Step([id], .delete, summary: "DROP USER \(name)", script: StepScript(converged: nil, change: MySQL.runner),
                         payload: .text("DROP USER IF EXISTS \(account);\n"))]
        }
        var statements: [SensitiveText] = []
        var changes: [String] = []
        let requireTLS = u.requireTLS ? "REQUIRE SSL" : "REQUIRE NONE"
        let limit = "WITH MAX_USER_CONNECTIONS \(u.maxConnections ?? 0)"
        if let existing {
            if let password = u.password, existing.authentication != password.withRevealedHash() {
                statements.append(SensitiveText("ALTER USER \(account) IDENTIFIED BY ") + quoted(password) + SensitiveText(";\n"))
                changes.append("password")
            }
            if (existing.sslType == "ANY") != u.requireTLS {
                statements.append(SensitiveText("ALTER USER \(account) \(requireTLS);\n"))
                changes.append(u.requireTLS ? "require TLS" : "TLS not required")
            }
            if existing.maxConnections != (u.maxConnections ?? 0) {
                statements.append(SensitiveText("ALTER USER \(account) \(limit);\n"))
                changes.append("max connections \(existing.maxConnections) → \(u.maxConnections ?? 0)")
            }
        } else {
            let identified = u.password.map { SensitiveText(" IDENTIFIED BY ") + quoted($0) } ?? SensitiveText("")
            statements.append(SensitiveText("CREATE USER IF NOT EXISTS \(account)") + identified + SensitiveText(" \(requireTLS) \(limit);\n"))
            changes.append(["user", u.requireTLS ? "TLS required" : nil, u.maxConnections.map { "≤ \($0) connections" }].compactMap { $0 }.joined(separator: ", "))
        }
        let current = mysql?.privileges[name] ?? []
        let missing = wantedPrivileges.subtracting(current).sorted()
        let extra = existing == nil ? [] : current.subtracting(wantedPrivileges).sorted()
        for (schema, privs) in grouped(missing) {
            statements.append(SensitiveText("GRANT \(privs.joined(separator: ", ")) ON \(target(schema)) TO \(account);\n"))
        }
        for (schema, privs) in grouped(extra) {
            statements.append(SensitiveText("REVOKE \(privs.joined(separator: ", ")) ON \(target(schema)) FROM \(account);\n"))
        }
        if !missing.isEmpty { changes.append("grant " + missing.map(describe).joined(separator: ", ")) }
        if !extra.isEmpty { changes.append("revoke " + extra.map(describe).joined(separator: ", ")) }
        guard !statements.isEmpty else { return [] }
        let sql = statements.reduce(SensitiveText(""), +)
        let payload = context.payload(sql, key: "mysql_user:\(name)")
        return [Step([id], existing == nil ? .create : .update, summary: changes.joined(separator: ", "),
                     diff: sql.isSensitive ? nil : sql.redacted,
                     script: StepScript(converged: nil, change: MySQL.runner), payload: payload,
                     note: mysql == nil ? "the server is installed by this plan" : nil)]
    }

    /// MariaDB 10.5+ stores some privileges under new names (and shows those).
    static let mariaDBNames = ["REPLICATION CLIENT": "BINLOG MONITOR", "REPLICATION REPLICA": "REPLICATION SLAVE"]

    /// `SCHEMA|PRIVILEGE` for every privilege the resource lists (MariaDB's names on MariaDB).
    static func privileges(_ u: MySQLUserResource, _ context: inout PlanContext, _ id: ResourceID, mariaDB: Bool) -> Set<String>? {
        var result: Set<String> = []
        for grant in u.privileges {
            let parts = grant.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let target = parts[0]
            guard target == "*.*" || (target.hasSuffix(".*") && !target.dropLast(2).contains(".")) else {
                context.error("grant target '\(target)' is not supported", hint: "grant on a whole database (`app.*`) or globally (`*.*`)", resource: id)
                return nil
            }
            let schema = target == "*.*" ? "*" : String(target.dropLast(2))
            for privilege in parts[1].split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !privilege.isEmpty {
                guard privilege != "ALL" && privilege != "ALL PRIVILEGES" else {
                    context.error("ALL PRIVILEGES is refused", hint: "list what the account needs (least privilege)", resource: id)
                    return nil
                }
                result.insert("\(schema)|\(mariaDB ? mariaDBNames[privilege] ?? privilege : privilege)")
            }
        }
        return result
    }

    static func grouped(_ privileges: [String]) -> [(String, [String])] {
        var groups: [String: [String]] = [:]
        for entry in privileges {
            let p = entry.split(separator: "|", maxSplits: 1).map(String.init)
            groups[p[0], default: []].append(p[1])
        }
        return groups.keys.sorted().map { ($0, groups[$0]!.sorted()) }
    }

    static func target(_ schema: String) -> String { schema == "*" ? "*.*" : "\(MySQL.identifier(schema)).*" }
    static func describe(_ entry: String) -> String {
        let p = entry.split(separator: "|", maxSplits: 1).map(String.init)
        return "\(p[1]) on \(p[0] == "*" ? "*.*" : p[0] + ".*")"
    }

    /// The password as an SQL literal, still secret.
    static func quoted(_ password: SensitiveText) -> SensitiveText {
        SensitiveText(secret: Secret(MySQL.literal(password.revealed())))
    }
}

extension SensitiveText {
    /// The mysql_native_password hash of this text (compared with the server's stored hash).
    func withRevealedHash() -> String { MySQL.nativePasswordHash(revealed()) }
}
