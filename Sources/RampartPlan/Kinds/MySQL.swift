import Crypto
import Foundation
import RampartBasics

/// SQL text for MySQL-compatible servers: quoting, and the statement runner. Statements travel on
/// the `mysql` client's stdin (as root over the unix socket), never in its arguments.
enum MySQL {
    /// A string literal: `'it''s'`, backslashes doubled.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// An identifier: `` `db` `` with backticks doubled.
    static func identifier(_ name: String) -> String { "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }

    static func account(_ user: String, _ host: String) -> String { literal(user) + "@" + literal(host) }

    /// The script of a SQL step: statements on stdin, stopping at the first error.
    static let runner = "mysql --batch --skip-column-names"

    /// The `mysql_native_password` hash of `password` (`*` + hex SHA1(SHA1)), for comparing
    /// with the stored hash without sending the password anywhere.
    static func nativePasswordHash(_ password: String) -> String {
        let inner = Insecure.SHA1.hash(data: Array(password.utf8))
        let outer = Insecure.SHA1.hash(data: Array(inner))
        return "*" + outer.map { String(format: "%02X", $0) }.joined()
    }
}

/// The `mysql_native_password` hash a MySQL-compatible server stores for a password.
public enum MySQLPasswordHash {
    public static func hash(_ password: String) -> String { MySQL.nativePasswordHash(password) }
}
