import Foundation
import RampartApply
import RampartBasics
import RampartModel
import RampartPlan
import RampartRemote

/// A controlled switchover of a MariaDB primary to its replica, over the two hosts' connections:
/// writes paused on the old primary (`read_only`), the replica caught up to the old primary's
/// last GTID, the replica made writable with no source, the old primary re-pointed at it as a
/// replica (`MASTER_DEMOTE_TO_SLAVE`, so its own history becomes its replication position).
/// Every SQL statement travels on the `mysql` client's stdin; the replication password only there.
///
/// Failure before the new primary takes writes undoes the pause (the old primary is writable
/// again, nothing else changed). After it, the new primary stays — the error says so, and an
/// apply with the updated inventory re-points (or re-seeds) the old one.
public struct Switchover: Sendable {
    /// A switchover that stopped: where and why, and whether the new primary already takes writes.
    public struct Failure: Error {
        public var diagnostic: Diagnostic
        public var promoted: Bool
    }

    public struct Endpoint: Sendable {
        public let name: String
        public let address: String
        public let connection: HostConnection
        public init(name: String, address: String, connection: HostConnection) {
            self.name = name
            self.address = address
            self.connection = connection
        }
    }

    public let oldPrimary: Endpoint
    public let newPrimary: Endpoint
    /// How the old primary will replicate from the new one (user, password, TLS, CA).
    public let replication: ReplicationResource
    /// Seconds the replica may take to apply the old primary's last transactions.
    public let catchUpTimeout: Int
    public let progress: @Sendable (String) -> Void

    public init(oldPrimary: Endpoint, newPrimary: Endpoint, replication: ReplicationResource, catchUpTimeout: Int = 30,
                progress: @escaping @Sendable (String) -> Void) {
        self.oldPrimary = oldPrimary
        self.newPrimary = newPrimary
        self.replication = replication
        self.catchUpTimeout = catchUpTimeout
        self.progress = progress
    }

    /// Preflight, then the switchover. Throws `Failure` (located: host + step).
    public func run() async throws {
        var promoted = false
        do { try await steps(&promoted) } catch let error as DiagnosticError {
            var diagnostic = error.diagnostics[0]
            if promoted {
                diagnostic.hint = "\(newPrimary.name) IS the primary now and takes writes; with the updated inventory, `rampart apply` re-points \(oldPrimary.name) (or copies \(newPrimary.name)'s data to it first)"
            }
            throw Failure(diagnostic: diagnostic, promoted: promoted)
        }
    }

    private func steps(_ promoted: inout Bool) async throws {
        // Preflight: the candidate replicates from the old primary, both threads running.
        let status = try await sql(newPrimary, "SHOW SLAVE STATUS\\G", step: "preflight", raw: true)
        let fields = Self.statusFields(status)
        guard fields["Master_Host"] == oldPrimary.address else {
            throw fail(newPrimary, "preflight", "\(newPrimary.name) does not replicate from \(oldPrimary.name) (\(oldPrimary.address)); its source is '\(fields["Master_Host"] ?? "none")'",
                       hint: "promote a replica of the current primary; `rampart plan` shows the replication state")
        }
        guard fields["Slave_IO_Running"] == "Yes", fields["Slave_SQL_Running"] == "Yes" else {
            throw fail(newPrimary, "preflight", "replication on \(newPrimary.name) is not running (IO \(fields["Slave_IO_Running"] ?? "?"), SQL \(fields["Slave_SQL_Running"] ?? "?")): \(fields["Last_IO_Error"] ?? "") \(fields["Last_SQL_Error"] ?? "")",
                       hint: "fix replication first (`rampart apply` restarts it), or follow the dead-primary procedure in docs/database.md")
        }

        progress("pausing writes on \(oldPrimary.name) (read_only=ON)")
        let position = try await sql(oldPrimary, ReplicationSQL.readOnly(true, mysql8: false) + "SELECT @@gtid_binlog_pos;", step: "pause writes")
            .trimmingCharacters(in: .whitespacesAndNewlines)

        do {
            progress("waiting for \(newPrimary.name) to reach GTID \(position.isEmpty ? "(empty)" : position)")
            let waited = try await sql(newPrimary, "SELECT MASTER_GTID_WAIT(\(ReplicationSQL.literal(position)), \(catchUpTimeout));", step: "catch up")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard waited == "0" else {
                throw fail(newPrimary, "catch up", "\(newPrimary.name) did not reach \(oldPrimary.name)'s position \(position) within \(catchUpTimeout) s",
                           hint: "check the replica's lag (`SHOW SLAVE STATUS`), then try again or raise --catch-up-timeout")
            }
            progress("making \(newPrimary.name) the primary (replication reset, read_only=OFF)")
            _ = try await sql(newPrimary, ReplicationSQL.forgetSource(mysql8: false) + ReplicationSQL.readOnly(false, mysql8: false), step: "promote")
            promoted = true
        } catch {
            // Nothing moved yet: the old primary takes writes again.
            progress("undoing the pause: \(oldPrimary.name) takes writes again")
            _ = try? await sql(oldPrimary, ReplicationSQL.readOnly(false, mysql8: false), step: "undo pause")
            throw error
        }

        progress("re-pointing \(oldPrimary.name) at \(newPrimary.name) as a replica")
        var wanted = replication
        wanted.readOnly = true
        let change = ReplicationSQL.pointAt(wanted, address: newPrimary.address, mysql8: false, demote: true)
        _ = try await run(oldPrimary, Array(change.revealed().utf8), step: "re-point")
        for _ in 0..<40 {
            let fields = Self.statusFields(try await sql(oldPrimary, "SHOW SLAVE STATUS\\G", step: "re-point", raw: true))
            if fields["Slave_IO_Running"] == "Yes" && fields["Slave_SQL_Running"] == "Yes" { return }
            if fields["Slave_SQL_Running"] == "No" || fields["Slave_IO_Running"] == "No",
               let error = [fields["Last_IO_Error"], fields["Last_SQL_Error"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) {
                throw fail(oldPrimary, "re-point", "replication on \(oldPrimary.name) stopped: \(error)", hint: nil)
            }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        throw fail(oldPrimary, "re-point", "replication on \(oldPrimary.name) did not start within 10 s", hint: nil)
    }

    private func sql(_ endpoint: Endpoint, _ statements: String, step: String, raw: Bool = false) async throws -> String {
        try await run(endpoint, Array((statements + "\n").utf8), step: step, flags: raw ? "" : " --batch --skip-column-names")
    }

    private func run(_ endpoint: Endpoint, _ stdin: [UInt8], step: String, flags: String = " --batch --skip-column-names") async throws -> String {
        let result: CommandResult
        do { result = try await endpoint.connection.run(Command("mysql\(flags)", stdin: stdin, display: "switchover: \(step)")) } catch {
            throw DiagnosticError(HostApplier.diagnostic(error, host: endpoint.name, step: "switchover: \(step)"))
        }
        guard result.succeeded else {
            throw fail(endpoint, step, "mysql failed (exit \(result.exitStatus)): \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))", hint: nil)
        }
        return result.stdoutText
    }

    private func fail(_ endpoint: Endpoint, _ step: String, _ message: String, hint: String?) -> DiagnosticError {
        DiagnosticError(.error(message, hint: hint, host: endpoint.name, step: "switchover: \(step)"))
    }

    /// `Key: value` lines of `SHOW SLAVE STATUS\G`.
    static func statusFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty && !key.hasPrefix("*") { fields[key] = value }
        }
        return fields
    }
}

