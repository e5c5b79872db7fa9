import ArgumentParser
import Foundation
import Rampart
import RampartBasics
import RampartEngine
import RampartPlan

/// `rampart graph`: the order Rampart applies in, as a picture (Graphviz).
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the order Rampart applies a playbook in (Graphviz DOT, SVG or PNG).",
        discussion: """
        A cluster per host and per play; an edge to each resource from what it requires (solid)
        or subscribes to (dashed: a handler), bold where a play waits for another host's play
        (`after:`), dotted through a rolling play's hosts. With --plan, each resource is
        coloured by what the plan would do to it (create, update, delete, reload/restart/run),
        and the inventory and playbook are the plan's own.

          rampart graph -i inventories/lab.yml playbooks/site.yml > site.dot
          rampart graph -i inventories/lab.yml playbooks/site.yml --format svg --output site.svg
          rampart plan -i inventories/lab.yml playbooks/site.yml --out site.plan
          rampart graph --plan site.plan --format png --output site.png

        SVG and PNG need Graphviz's `dot` (Debian: apt-get install graphviz).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, svg, png }

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); with --plan, the plan's.")
    var inventory: String?

    @Argument(help: "Playbook file (YAML); with --plan, the plan's.")
    var playbook: String?

    @Option(name: .long, help: "A plan saved by `rampart plan --out`: colour what it would change.")
    var plan: String?

    @Option(name: .long, help: "Hosts, groups or globs to draw (comma-separated, ! excludes).")
    var limit: String?

    @Option(name: .long, help: "dot (default), svg or png.")
    var format: Format = .dot

    @Option(name: [.short, .long], help: "Write to this file instead of standard output (needed for png).")
    var output: String?

    func validate() throws {
        if plan == nil && (inventory == nil || playbook == nil) && ProjectSource.builtIn == nil {
            throw ValidationError("give -i INVENTORY and a PLAYBOOK, or --plan FILE")
        }
        if format == .png && output == nil { throw ValidationError("--format png needs --output FILE") }
    }

    func run() throws {
        let saved = try plan.map(PlanFile.decode(path:))
        let inventoryPath = try inventory ?? saved?.inventory ?? ProjectSource.inventory(nil)
        let playbookPath = try playbook ?? saved?.playbook ?? ProjectSource.playbook(nil)
        let project = try ProjectSource.load(inventory: inventoryPath, playbook: playbookPath)
        // The catalogs as the last run saw them (templates reading facts); nothing connects.
        let catalog = try project.compile(limit: limit, facts: TemplateFactsCache(inventoryPath: inventoryPath).all(), offline: true)
        let dot = PlanGraph.dot(catalog, plan: saved)
        if format == .dot {
            if let output { try AtomicFile.write(Data(dot.utf8), to: output, mode: 0o644) } else { Terminal.shared.write(dot) }
            return
        }
        try render(dot, as: format)
    }

    /// Hands the DOT text to Graphviz's `dot`.
    func render(_ dot: String, as format: Format) throws {
        let graphviz = ["/usr/bin/dot", "/usr/local/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let graphviz else {
            throw DiagnosticError(.error("Graphviz's `dot` is not installed", hint: "apt-get install graphviz, or use --format dot and render it elsewhere"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: graphviz)
        process.arguments = ["-T\(format.rawValue)"] + (output.map { ["-o", $0] } ?? [])
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(dot.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DiagnosticError(.error("dot exited with status \(process.terminationStatus)", hint: "run with --format dot to see the graph it was given"))
        }
    }
}
