import ArgumentParser
import Foundation
import RampartBasics
import RampartLoading
import RampartModel
import RampartRemote

/// Loading helpers and error presentation shared by commands.
enum Diagnostics {
    static func loadInventory(path: String) throws -> Inventory {
        try InventoryLoader().load(path: path)
    }

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
