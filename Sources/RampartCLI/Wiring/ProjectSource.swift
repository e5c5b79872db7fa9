import Foundation
import Rampart
import RampartBasics
import RampartDSL
import RampartLoading
import RampartModel

/// Where a command's project comes from: the YAML files named on the command line, or the
/// site written in Swift that this executable was built with (`RampartCommand.main(site:)`).
///
/// A built-in site is read as if its inventory and playbook were files at its own paths
/// (`Site.inventoryPath`, `Site.playbookPath`), so everything keyed by those paths — the facts
/// cache, the retry file, a saved plan's check — works as for YAML. `-i` and a playbook given
/// on the command line still name YAML files, even in a site's executable.
enum ProjectSource {
    /// Set once, before the command line is parsed.
    nonisolated(unsafe) static var builtIn: Site?



    static func inventory(_ given: String?) throws -> String {
        if let given { return given }
        if let site = builtIn { return site.inventoryPath }
        throw DiagnosticError(.error("no inventory: give `-i FILE`", hint: "e.g. `-i inventories/lab.yml` (or run a Swift site's own executable)"))
    }

    static func playbook(_ given: String?) throws -> String {
        if let given { return given }
        if let site = builtIn { return site.playbookPath }
        throw DiagnosticError(.error("no playbook: give the playbook file after the options",
                                     hint: "e.g. `playbooks/site.yml` (or run a Swift site's own executable)"))
    }

    /// The built-in site when both paths are its own, else the YAML files.
    static func load(inventory: String, playbook: String) throws -> Project {
        if let site = builtIn, isSite(inventory: inventory), absolute(playbook) == site.playbookPath {
            return try site.load(vault: Diagnostics.vaultPassword)
        }
        return try Project.load(inventory: inventory, playbook: playbook, vault: Diagnostics.vaultPassword)
    }

    static func loadInventory(_ path: String) throws -> RampartModel.Inventory {
        if let site = builtIn, isSite(inventory: path) {
            return try InventoryLoader(vault: Diagnostics.vaultPassword).load(declaration: site.inventoryDeclaration, path: site.inventoryPath)
        }
        return try InventoryLoader(vault: Diagnostics.vaultPassword).load(path: path)
    }

    /// Whether this inventory path is the built-in site's (its file is never read).
    static func isSite(inventory path: String) -> Bool {
        builtIn.map { absolute(path) == $0.inventoryPath } ?? false
    }

    /// A path as given, made absolute against the current folder (how plans and the built-in site name files).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
