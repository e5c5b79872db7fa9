import ArgumentParser
import Foundation
import RampartBasics
import RampartLoading
import RampartModel
import RampartRemote

/// Loading helpers and error presentation shared by commands.
enum Diagnostics {
    static func loadInventory(path: String) throws -> Inventory {
        try ProjectSource.loadInventory(path)
    }

    /// The run's vault password: RAMPART_VAULT_PASSWORD_FILE, else asked once on the terminal.
    static let vaultPassword = VaultPassword(prompt: {
        guard let password = Terminal.shared.promptSecret("Vault password: ") else {
            throw DiagnosticError(.error("a vault password is needed and there is no terminal to ask on",
                                         hint: "set RAMPART_VAULT_PASSWORD_FILE to a file holding it"))
        }
        return password
    })

    static func print(_ diagnostic: Diagnostic) {
        Terminal.shared.write(diagnostic.description + "\n", error: true)
    }

    /// A one-line (plus hint) message for any error, naming host or location when known.
    static func message(_ error: any Error) -> String {
        switch error {
        case let remote as RemoteError:
            return remote.message + (remote.hint.map { " (hint: \($0))" } ?? "")
        case let diagnostics as DiagnosticError:
            return diagnostics.description
        default:
            return String(describing: error)
        }
    }
}
