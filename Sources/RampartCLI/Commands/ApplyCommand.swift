import ArgumentParser
import Foundation
import Rampart
import RampartApply
import RampartBasics
import RampartCatalog
import RampartEngine
import RampartPlan

/// `rampart apply`: plan, show, confirm, change — or apply a saved plan exactly.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the hosts match the playbook (or apply a saved plan).",
        discussion: """
        Takes each host's lock and gathers its facts in one exec, plans, shows the plan and asks
        for confirmation (--yes skips). Hosts run in parallel; a play's `after:` makes hosts wait
        for others. Each step re-checks its guard before changing anything; configs with a
        checker are validated before a service sees them; handlers are journalled on the host
        so an interrupted apply finishes them next time.

          rampart apply -i inventories/lab.yml playbooks/site.yml
          rampart apply site.plan            # exactly a saved plan; refused if a host changed since
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed with a saved plan.")
    var inventory: String?

    @Argument(help: "Playbook file (YAML), or a plan file saved by `rampart plan --out`; in a Swift site's executable, nothing or a plan file.")
    var target: String?

    @Option(name: .long, help: "Hosts to apply: host or group names or globs, comma-separated; '!x' excludes; @failed: the last run's retry file.")
    var limit: String?

    @OptionGroup var sharding: ShardOption

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    @Flag(name: .long, help: "Stop every host at the first host failure.")
    var failFast = false

    @Flag(name: .long, help: "Print JSON Lines events instead of text.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print every step's output (text), or put it in every step event (--json).")
    var verbose = false

    @Option(name: .long, help: "Most hosts worked on at once.")
    var forks: Int = 64

    @Option(name: .long, help: "Seconds to wait for another apply's lock on a host.")
    var lockTimeout: Double = 300

    func run() async throws {
        let saved = try inventory == nil ? target.map { try PlanFile.decode(path: $0) } : nil
        let inventoryPath = try saved?.inventory ?? ProjectSource.inventory(inventory)
        let playbookPath = try saved?.playbook ?? ProjectSource.playbook(target)
        let project = try ProjectSource.load(inventory: inventoryPath, playbook: playbookPath)
        let selection = sharding.limit(try RetryFile.expand(limit, inventory: inventoryPath), inventory: project.inventory)
        if selection.empty { return Terminal.shared.write(ShardOption.nothingToDo(sharding.shard)) }
        var catalog = try EngineWiring.catalog(project, inventoryPath: inventoryPath, limit: selection.limit)
        if let saved { catalog.hosts = catalog.hosts.filter { c in saved.hosts.contains { $0.host == c.host } } }
        let request = ApplyRequest(catalog: catalog, inventoryPath: inventoryPath, playbookPath: playbookPath, saved: saved, failFast: failFast)
        let engine = EngineWiring.engine(for: project, inventoryPath: inventoryPath, forks: forks, lockTimeout: lockTimeout)
        let outcome = try await engine.apply(request, view: view(for: catalog), confirm: { [yes] _ in try Self.confirm(skip: yes) })
        if case .cancelled = outcome { Terminal.shared.write("Apply cancelled; nothing changed.\n") }
        let retry = RetryFile.hostsToRetry(outcome, selected: catalog.hosts.map(\.host))
        if let file = try RetryFile.record(outcome, selected: catalog.hosts.map(\.host), inventory: inventoryPath) {
            Diagnostics.print(.init(.note, "\(retry.count) host(s) left to do (\(retry.joined(separator: ", "))), listed in \(file)",
                                    hint: "retry exactly them: rampart apply -i \(inventoryPath) \(playbookPath) --limit \(RetryFile.failed)"))
        }
        if !outcome.succeeded { throw ExitCodes.failure }
    }

    /// Live per-host lines on a terminal; one line per event otherwise; JSON Lines with --json.
    private func view(for catalog: Catalog) -> ApplyView {
        if json { return JSONApplyView(verbose: verbose) }
        if !verbose && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb" {
            return LiveApplyView(hosts: catalog.hosts.map(\.host))
        }
        return TextApplyView(width: catalog.hosts.map(\.host.count).max() ?? 0, verbose: verbose)
    }

    /// Asks on the terminal; only `yes` applies.
    static func confirm(skip: Bool) throws -> Bool {
        if skip { return true }
        guard isatty(STDIN_FILENO) != 0 else {
            throw DiagnosticError(.error("apply needs confirmation and there is no terminal", hint: "pass --yes to apply without asking"))
        }
        Terminal.shared.write("\nApply these changes? Only 'yes' is accepted: ")
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}
