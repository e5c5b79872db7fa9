import ArgumentParser
import Foundation
import RampartBasics
import RampartLoading
import RampartModel
import RampartRemote
import RampartSSH

/// `rampart exec`: one ad-hoc command on many hosts in parallel.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a shell command on the selected hosts in parallel.",
        discussion: """
        Each host's output is printed with its name as prefix (or grouped per host with --group),
        followed by a summary. Exits 1 if any host failed or could not be reached.

          rampart exec -i inventories/lab.yml -- systemctl is-system-running
          rampart exec -i inventories/lab.yml --limit 'web*' --json -- nginx -v
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.")
    var inventoryFile: String?

    @Option(name: .long, help: "Hosts to run on: host or group names or globs, comma-separated; '!x' excludes.")
    var limit: String?

    @Option(name: .long, help: "Most hosts worked on at once.")
    var forks: Int = 64

    @Option(name: .long, help: "Seconds before the command is abandoned on a host.")
    var timeout: Double?

    @Flag(name: .long, help: "Print one JSON object per host instead of text.")
    var json = false

    @Flag(name: .long, help: "Print each host's output as one block instead of prefixed lines.")
    var group = false

    @Flag(name: .long, help: "Do not wrap the command in sudo even if the inventory says become.")
    var noBecome = false

    @Argument(parsing: .captureForPassthrough, help: "The command, after `--`.")
    var command: [String] = []

    func run() async throws {
        let words = command.first == "--" ? Array(command.dropFirst()) : command
        guard !words.isEmpty else {
            throw ValidationError("no command given; write it after `--`, e.g. rampart exec -i inv.yml -- uptime")
        }
        let script = words.count == 1 ? words[0] : words.joined(separator: " ")
        let inventoryPath = try ProjectSource.inventory(inventoryFile)
        let inventory = try Diagnostics.loadInventory(path: inventoryPath)
        let (hosts, unmatched) = HostSelection(try RetryFile.expand(limit, inventory: inventoryPath)).resolve(in: inventory)
        if !unmatched.isEmpty {
            Diagnostics.print(.warning("--limit pattern(s) matched no host: \(unmatched.joined(separator: ", "))"))
        }
        guard !hosts.isEmpty else {
            throw DiagnosticError(.error("no host selected", hint: "check --limit against `hosts:` and `groups:` in \(inventoryPath)"))
        }

        let factory = ConnectionFactory(inventory: inventory)
        let view: ExecView = json ? JSONExecView() : TextExecView(grouped: group, width: hosts.map(\.name.count).max() ?? 0)
        let started = Monotonic.now()
        let outcomes = await Parallel.map(hosts, width: forks) { host in
            let hostStarted = Monotonic.now()
            do {
                let connection = try await factory.connect(host)
                let result: CommandResult
                do {
                    result = try await connection.run(Command(script, timeout: timeout, privileged: !noBecome))
                } catch {
                    await connection.close()
                    throw error
                }
                // Closed before the process exits: libssh2 frees use OpenSSL, which exit() tears down.
                await connection.close()
                let outcome = ExecOutcome(host: host.name, result: result, error: nil, seconds: Monotonic.now() - hostStarted)
                view.hostFinished(outcome)
                return outcome
            } catch {
                let outcome = ExecOutcome(host: host.name, result: nil, error: error, seconds: Monotonic.now() - hostStarted)
                view.hostFinished(outcome)
                return outcome
            }
        }
        view.summary(outcomes, seconds: Monotonic.now() - started)
        if outcomes.contains(where: { !$0.succeeded }) { throw ExitCodes.failure }
    }
}
