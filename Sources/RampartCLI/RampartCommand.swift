import ArgumentParser
import Foundation
import RampartBasics
import RampartDSL
import RampartLab
import RampartRemote

/// The `rampart` command: subcommands, version, and the one place errors become exit codes.
public struct RampartCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "rampart",
        abstract: "Infrastructure as code for a secured, monitored web infrastructure.",
        discussion: """
        Rampart reads an inventory of servers, connects to them over SSH (one session per host,
        all hosts in parallel) and runs commands on them. Start with the lab:

          rampart lab up                                   # six Debian 12 servers on this machine
          rampart exec -i inventories/lab.yml -- uptime    # run a command on all of them
        """,
        version: version,
        subcommands: [PlanCommand.self, ApplyCommand.self, ValidateCommand.self, InventoryCommand.self, CACommand.self, ExecCommand.self, DBCommand.self, StatusCommand.self, VerifyCommand.self, VaultCommand.self, LabCommand.self, SchemaCommand.self, GraphCommand.self, InitCommand.self]
    )

    public init() {}

    /// `rampart` with a site written in Swift built in: a site's executable (its `main.swift`)
    /// calls this, and takes every command, flag and exit code of `rampart`, with `-i` and the
    /// playbook left out (they still name YAML files when given).
    public static func main(site: Site) async {
        ProjectSource.builtIn = site
        await start()
    }

    /// Parses, runs, and turns every error into a message and an exit code — the one place that does.
    public static func start() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as DiagnosticError {
            Terminal.shared.write(error.description + "\n", error: true)
            finish(1)
        } catch let error as RemoteError {
            Terminal.shared.write(error.description + "\n", error: true)
            finish(1)
        } catch let error as LabError {
            Terminal.shared.write("lab: error: \(error)\n", error: true)
            finish(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty { Terminal.shared.write(message + "\n", error: code != .success) }
            finish(code.rawValue)
        }
        finish(0)
    }

    /// Ends the process without running atexit handlers: libcrypto's cleanup at exit raced a
    /// thread still finishing a session and aborted with a double free once in the fault drills.
    /// Everything that matters (remote locks, files) is settled before this point.
    static func finish(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }
}

/// Exit codes shared by all commands (0 ok; 1 an error or a failed host; 2 "changes" and 3
/// "drift" in `plan --detailed-exitcode` / `--drift-exitcode`).
enum ExitCodes {
    static let failure = ExitCode(1)
    static let changes = ExitCode(2)
    static let drift = ExitCode(3)
}
