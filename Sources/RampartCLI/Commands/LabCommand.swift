import ArgumentParser
import Foundation
import RampartBasics
import RampartLab
import RampartModel
import RampartRemote
import RampartSSH

/// `rampart lab`: six real Debian 12 servers on this machine, for demos, tests and benchmarks.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Bring up, inspect and remove the local lab of Debian 12 servers (Linux, root).",
        discussion: """
        The lab's hosts are the ones in the inventory (default inventories/lab.yml): each a
        systemd-nspawn container booted with systemd, on its own overlay over one cached
        debootstrap image, on the private bridge rampart0. The lab routes nowhere beyond it;
        packages come through a proxy on the bridge address.
        """,
        subcommands: [Up.self, Down.self, Status.self, SSH.self, Kill.self, Start.self]
    )

    struct InventoryOption: ParsableArguments {
        @Option(name: [.short, .customLong("inventory")], help: "Inventory naming the lab hosts.")
        var inventory: String = "inventories/lab.yml"

        /// The lab configuration for the inventory's hosts (names and addresses).
        func lab() throws -> (Lab, Inventory) {
            let inventory = try Diagnostics.loadInventory(path: inventory)
            // A host the inventory reaches through a jump host (that is an inventory host) takes
            // SSH only from it: the lab is built as the inventory describes the data centre.
            let hosts = inventory.hosts.map { host -> LabHost in
                let jump = (inventory.connection(for: host).jump ?? []).prefix { $0 != host.name }.first
                let via = jump.flatMap { inventory.host(named: $0) }?.address
                return LabHost(name: host.name, address: host.address, sshOnlyFrom: via)
            }
            return (Lab(configuration: LabConfiguration(hosts: hosts)), inventory)
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create and boot the lab's hosts (fresh unless --keep).")
        @OptionGroup var options: InventoryOption
        @Flag(name: .long, help: "Reuse the hosts' existing overlays instead of starting from the clean image.")
        var keep = false

        func run() async throws {
            let (lab, _) = try options.lab()
            try lab.ensurePrerequisites(progress: LabCommand.progress)
            let report = try lab.up(keep: keep, progress: LabCommand.progress)
            var text = String(format: "lab up: %d hosts in %.1f s%@\n", report.hosts.count, report.seconds,
                              report.baseImageBuilt ? " (base image built)" : "")
            for phase in report.phases {
                text += "  " + phase.name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%6.2f s\n", phase.seconds)
            }
            for host in report.hosts {
                text += "  \(host.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(host.address.padding(toLength: 14, withPad: " ", startingAt: 0)) \(report.systemStates[host.name] ?? "?")\n"
            }
            text += "  key: \(report.keyPath)\n  known_hosts: \(report.knownHostsPath)\n"
            Terminal.shared.write(text)
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every lab host and remove mounts, bridge, proxy and state.")
        @OptionGroup var options: InventoryOption

        func run() async throws {
            let (lab, _) = try options.lab()
            try lab.down(progress: LabCommand.progress)
            Terminal.shared.write("lab down: nothing left behind (the cached base image is kept)\n")
        }
    }

    struct Kill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kill one host as a power cut would (SIGKILL to its init), for fault drills; `lab start` boots it again.")
        @OptionGroup var options: InventoryOption
        @Argument(help: "Lab host name.") var host: String

        func run() async throws {
            let (lab, _) = try options.lab()
            try lab.kill(host: host)
            Terminal.shared.write("lab: \(host) killed\n")
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Boot one stopped host again, keeping what it had written.")
        @OptionGroup var options: InventoryOption
        @Argument(help: "Lab host name.") var host: String

        func run() async throws {
            let (lab, _) = try options.lab()
            let state = try lab.start(host: host, progress: LabCommand.progress)
            Terminal.shared.write("lab: \(host) \(state)\n")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each lab host: running, systemd state, memory.")
        @OptionGroup var options: InventoryOption

        func run() async throws {
            let (lab, _) = try options.lab()
            let hosts = lab.status()
            var text = "HOST   ADDRESS        STATE        MEMORY\n"
            var total: UInt64 = 0
            for host in hosts {
                let state = host.running ? (host.systemState ?? "running") : "stopped"
                let memory = host.memoryBytes.map { total += $0; return String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "-"
                text += "\(host.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(host.address.padding(toLength: 14, withPad: " ", startingAt: 0)) \(state.padding(toLength: 12, withPad: " ", startingAt: 0)) \(memory)\n"
            }
            text += String(format: "total memory: %.1f MiB\n", Double(total) / 1_048_576)
            Terminal.shared.write(text)
            if hosts.contains(where: { !$0.running }) { throw ExitCodes.failure }
        }
    }

    struct SSH: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a shell on a lab host, or run a command there.",
            discussion: "Without a command this hands over to OpenSSH's client for an interactive terminal.")
        @OptionGroup var options: InventoryOption
        @Argument(help: "Lab host name.") var host: String
        @Argument(parsing: .captureForPassthrough, help: "Command after `--`.") var command: [String] = []

        func run() async throws {
            let (_, inventory) = try options.lab()
            guard let target = inventory.host(named: host) else {
                throw DiagnosticError(.error("no lab host named '\(host)'",
                                             hint: "hosts: \(inventory.hosts.map(\.name).joined(separator: ", "))"))
            }
            let factory = ConnectionFactory(inventory: inventory)
            let words = command.first == "--" ? Array(command.dropFirst()) : command
            if words.isEmpty {
                let ssh = try factory.options(for: target)
                let argv = ["ssh", "-i", ssh.identityFiles.first ?? "", "-o", "UserKnownHostsFile=\(ssh.knownHostsFiles.first ?? "")",
                            "-o", "StrictHostKeyChecking=yes", "-p", String(ssh.port), "\(ssh.user)@\(ssh.address)"]
                let cArgs = argv.map { strdup($0) } + [nil]
                execvp("ssh", cArgs)
                throw DiagnosticError(.error("could not start OpenSSH's ssh: \(String(cString: strerror(errno)))",
                                             hint: "apt-get install openssh-client"))
            }
            let connection = try await factory.connect(target)
            let result = try await connection.run(Command(words.joined(separator: " ")))
            await connection.close()
            FileHandle.standardOutput.write(Data(result.stdout))
            FileHandle.standardError.write(Data(result.stderr))
            if !result.succeeded { throw ExitCode(result.exitStatus == 0 ? 1 : result.exitStatus) }
        }
    }

    static let progress: @Sendable (String) -> Void = { message in
        Terminal.shared.write("  \(message)\n", error: true)
    }
}
