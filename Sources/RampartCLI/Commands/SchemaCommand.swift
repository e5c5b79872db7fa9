import ArgumentParser
import Foundation
import RampartBasics
import RampartLoading

/// `rampart schema`: the JSON Schema of inventories, playbooks and role files, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of inventories, playbooks or role files (for editors).",
        discussion: """
        Made from the loader itself: the keys it allows and each resource kind's fields as its
        reader types them. Point a YAML file at it with a first line such as

          # yaml-language-server: $schema=../.rampart/schema/rampart-playbook.schema.json

        (the YAML extension of VS Code and other editors using yaml-language-server reads it) and
        the editor completes fields and flags typos while you type. `rampart validate` still
        checks what a schema cannot: references, templates, conditions, variables.

          rampart schema playbook
          rampart schema --write .rampart/schema     # all three files
        """
    )

    @Argument(help: "inventory, playbook or role.")
    var document: LoaderSchema.Document?

    @Option(name: .long, help: "Write all three schemas into this folder (created if missing) instead of printing one.")
    var write: String?

    func validate() throws {
        if (document == nil) == (write == nil) {
            throw ValidationError("name one document (inventory, playbook, role), or give --write FOLDER for all three")
        }
    }

    func run() throws {
        if let document {
            Terminal.shared.write(LoaderSchema.json(document))
            return
        }
        guard let folder = write else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for document in LoaderSchema.Document.allCases {
            let path = (folder as NSString).appendingPathComponent(document.fileName)
            try AtomicFile.write(Data(LoaderSchema.json(document).utf8), to: path, mode: 0o644)
            Terminal.shared.write("wrote \(path)\n")
        }
    }
}

extension LoaderSchema.Document: ExpressibleByArgument {}
