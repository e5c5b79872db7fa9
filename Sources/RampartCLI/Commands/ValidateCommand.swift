import ArgumentParser
import Foundation
import RampartBasics
import Rampart
import RampartCatalog

/// `rampart validate`: every check that needs no server — files, references, templates for each host.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an inventory, a playbook, its roles and templates offline.",
        discussion: """
        Loads everything and renders every template for every host the playbook touches, then
        prints all problems at once, each as file:line:col with a hint. Exits 1 on any error.

          rampart validate -i inventories/lab.yml playbooks/site.yml
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.")
    var inventoryFile: String?

    @Argument(help: ArgumentHelp("Playbook file (YAML); not needed in a Swift site's executable.", valueName: "playbook"))
    var playbookFile: String?

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var catalog: Catalog?
        do {
            let project = try ProjectSource.load(inventory: try ProjectSource.inventory(inventoryFile),
                                                 playbook: try ProjectSource.playbook(playbookFile))
            // Offline by nature: checked before the servers (and the lab's key) exist.
            catalog = try project.compile(offline: true)
            diagnostics = catalog?.warnings ?? []
        } catch let error as DiagnosticError {
            diagnostics = error.diagnostics
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        if json {
            var object: [String: Any] = [
                "valid": errors == 0,
                "diagnostics": diagnostics.map { d -> [String: Any] in
                    var item: [String: Any] = ["severity": d.severity.rawValue, "message": d.message]
                    if let hint = d.hint { item["hint"] = hint }
                    if let l = d.location { item["file"] = l.file; item["line"] = l.line; item["column"] = l.column }
                    if let host = d.host { item["hosts"] = host.components(separatedBy: ", ") }
                    return item
                },
            ]
            if let catalog {
                object["hosts"] = catalog.hosts.map { ["host": $0.host, "resources": $0.resources.count] as [String: Any] }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Terminal.shared.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            for diagnostic in diagnostics { Diagnostics.print(diagnostic) }
            if let catalog, errors == 0 {
                let resources = catalog.hosts.reduce(0) { $0 + $1.resources.count }
                let files = catalog.hosts.reduce(0) { $0 + $1.resources.filter { if case .file = $0.spec { true } else { false } }.count }
                Terminal.shared.write("valid: \(catalog.hosts.count) hosts, \(resources) resources (\(files) files rendered)\n")
            } else {
                Terminal.shared.write("\(errors) error\(errors == 1 ? "" : "s")\n", error: true)
            }
        }
        if errors > 0 { throw ExitCodes.failure }
    }
}
