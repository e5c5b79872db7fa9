import RampartFacts
import RampartModel

/// Databases: created with a character set (and collation), altered when they differ, dropped
/// only when declared `state: absent` — pruning never drops a database (data is not config).
enum MySQLDatabasePlanner {
    static func plan(_ d: MySQLDatabaseResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        guard let mysql = context.facts.mysql else {
            if context.serverComesLater { return [createStep(d, id, note: "the server is installed by this plan")] }
            unreachable(id, &context)
            return []
        }
        let existing = mysql.databases[d.name]
        if d.state == .absent {
            guard existing != nil else { return [] }
            return [Step([id], .delete, summary: "DROP DATABASE \(d.name) (its data is lost)",
                         script: StepScript(converged: nil, change: MySQL.runner), payload: .text("DROP DATABASE IF EXISTS \(MySQL.identifier(d.name));\n"))]
        }
        guard let existing else { return [createStep(d, id, note: nil)] }
        let collationDiffers = d.collation.map { $0 != existing[1] } ?? false
        guard existing[0] != d.charset || collationDiffers else { return [] }
        var sql = "ALTER DATABASE \(MySQL.identifier(d.name)) CHARACTER SET \(d.charset)"
        if let collation = d.collation { sql += " COLLATE \(collation)" }
        return [Step([id], .update, summary: "character set \(existing[0])/\(existing[1]) → \(d.charset)\(d.collation.map { "/\($0)" } ?? "")",
                     script: StepScript(converged: nil, change: MySQL.runner), payload: .text(sql + ";\n"))]
    }

    static func createStep(_ d: MySQLDatabaseResource, _ id: ResourceID, note: String?) -> Step {
        var sql = "CREATE DATABASE IF NOT EXISTS \(MySQL.identifier(d.name)) CHARACTER SET \(d.charset)"
        if let collation = d.collation { sql += " COLLATE \(collation)" }
        return Step([id], .create, summary: "database, character set \(d.charset)", script: StepScript(converged: nil, change: MySQL.runner),
                    payload: .text(sql + ";\n"), note: note)
    }

    static func unreachable(_ id: ResourceID, _ context: inout PlanContext) {
        context.error("the MySQL-compatible server is not running or not reachable as root over its socket",
                      hint: "declare its package and service before this resource, or start it", resource: id)
    }
}

extension PlanContext {
    /// True when this plan installs the database server (its accounts are then created after it).
    var serverComesLater: Bool { installing.contains { ["mariadb-server", "default-mysql-server", "mysql-server"].contains($0) } }
}
