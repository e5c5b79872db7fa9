import ArgumentParser
import Foundation
import Rampart
import RampartEngine
import RampartApply
import RampartBasics
import RampartPlan

/// `rampart plan`: what an apply would change, per host, without changing anything.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes an apply would make, host by host.",
        discussion: """
        Gathers each host's facts in one round trip and compares them with the playbook:
        + create  ~ update  - delete  ↻ reload/restart/run, with diffs of file contents (secrets
        shown as (sensitive)). A step that corrects drift — the host changed since the last apply,
        the playbook did not — is marked [drift]. Exit codes: 0 success; 1 errors; with
        --detailed-exitcode, 2 when there are changes; with --drift-exitcode, 3 when a change
        corrects drift (someone edited a host) and 2 when all come from the playbook or
        inventory (a commit is waiting). --out saves the plan for `rampart apply FILE`.

          rampart plan -i inventories/lab.yml playbooks/site.yml
          rampart plan -i inventories/lab.yml playbooks/site.yml --out site.plan --detailed-exitcode
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.")
    var inventoryFile: String?

    @Argument(help: ArgumentHelp("Playbook file (YAML); not needed in a Swift site's executable.", valueName: "playbook"))
    var playbookFile: String?

    @Option(name: .long, help: "Hosts to plan: host or group names or globs, comma-separated; '!x' excludes.")
    var limit: String?

    @OptionGroup var sharding: ShardOption

    @Option(name: .long, help: "Save the plan to this file (JSON, no secrets) for `rampart apply FILE`.")
    var out: String?

    @Flag(name: .long, help: "Exit 2 when there are changes (0 none, 1 errors).")
    var detailedExitcode = false

    @Flag(name: .long, help: "As --detailed-exitcode, but exit 3 when a change corrects drift (a host changed since the last apply), 2 when every change comes from the playbook or inventory.")
    var driftExitcode = false

    @Flag(name: .long, help: "Print the plan as JSON.")
    var json = false

    @Option(name: .long, help: "Most hosts worked on at once.")
    var forks: Int = 64

    @Flag(name: .long, help: "Print per host the exec channels used and the time to plan, on stderr.")
    var stats = false

    @Flag(name: .long, help: "Plan against the known baseline of a fresh Debian 12 server, without connecting.")
    var offline = false

    func run() async throws {
        let inventory = try ProjectSource.inventory(inventoryFile), playbook = try ProjectSource.playbook(playbookFile)
        let project = try ProjectSource.load(inventory: inventory, playbook: playbook)
        let selection = sharding.limit(try RetryFile.expand(limit, inventory: inventory), inventory: project.inventory)
        if selection.empty { return Terminal.shared.write(ShardOption.nothingToDo(sharding.shard)) }
        let catalog = try EngineWiring.catalog(project, inventoryPath: inventory, limit: selection.limit, offline: offline)
        if offline && out != nil {
            throw DiagnosticError(.error("an offline plan is for review and cannot be saved for apply",
                                         hint: "plan against the real hosts (without --offline) to save a plan"))
        }
        let started = Monotonic.now()
        let engine = EngineWiring.engine(for: project, inventoryPath: inventory, forks: forks, offline: offline)
        var runs = offline ? engine.assumeFresh(catalog) : await engine.gather(catalog, lock: nil)
        do { runs = Engine.planned(try engine.withCertificates(runs)) } catch {
            await engine.close(runs)
            throw error
        }
        await engine.close(runs)
        for warning in runs.flatMap(\.warnings) { Diagnostics.print(warning) }
        if stats {
            for run in runs {
                Terminal.shared.write("stats: \(run.host.name) resources=\(run.catalog.resources.count) execs=\(run.execs)\n", error: true)
            }
            Terminal.shared.write(String(format: "stats: connect+facts+plan %.3f s\n", Monotonic.now() - started), error: true)
        }
        let plan = Plan(inventory: ProjectSource.absolute(inventory), playbook: ProjectSource.absolute(playbook), hosts: runs.compactMap(\.plan))
        let errors = runs.errors
        if let out {
            let data = try PlanFile.encode(plan)
            guard FileManager.default.createFile(atPath: out, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw DiagnosticError(.error("cannot write the plan to \(out)", hint: "check the folder exists and is writable"))
            }
        }
        if json {
            Terminal.shared.write(String(decoding: try PlanFile.encode(plan), as: UTF8.self) + "\n")
        } else {
            Terminal.shared.write(PlanView().render(plan, errors: errors))
            if let out { Terminal.shared.write("Saved the plan to \(out); apply exactly it with: rampart apply \(out)\n") }
        }
        if !errors.isEmpty { throw ExitCodes.failure }
        if driftExitcode && plan.summary.drift > 0 { throw ExitCodes.drift }
        if (detailedExitcode || driftExitcode) && !plan.summary.isEmpty { throw ExitCodes.changes }
    }
}
