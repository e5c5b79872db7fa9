import ArgumentParser
import Foundation
import Rampart
import RampartBasics
import RampartCA
import RampartModel
import RampartPlan
import RampartRemote
import RampartSSH
import RampartSite

/// `rampart verify`: the running end state checked from outside the configs, as a checklist.
///
/// Which hosts play which part comes from the inventory (`SiteLayout`: the reference group names,
/// or the inventory's `site_groups`, and `site_domain`); the checks are `SiteVerification`'s.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the running site from outside: HTTPS, backends, replication, firewall matrix, monitoring, sshd.",
        discussion: """
          rampart verify -i inventories/lab.yml playbooks/site.yml
        Exits 1 when any check fails.
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.")
    var inventoryFile: String?

    @Argument(help: ArgumentHelp("The playbook the site was applied with (its firewalls give the matrix); not needed in a Swift site's executable.",
                                 valueName: "playbook"))
    var playbookFile: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let project = try ProjectSource.load(inventory: try ProjectSource.inventory(inventoryFile),
                                             playbook: try ProjectSource.playbook(playbookFile))
        let catalog = try project.compile()
        let layout = try SiteLayout(inventory: project.inventory)
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-verify-\(getpid()).pem").path
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        try CertificateAuthority.open(for: project.inventory, vault: Diagnostics.vaultPassword).certificatePEM
            .write(toFile: caFile, atomically: true, encoding: .utf8)
        let (connections, unreachable) = await Self.connectAll(project.inventory)
        let verification = SiteVerification(inventory: project.inventory, catalog: catalog, layout: layout, connections: connections, caFile: caFile)
        let json = self.json
        let show: (SiteVerification.Check) -> Void = { check in
            guard !json else { return }
            let mark = check.passed ? Terminal.shared.green("✓") : Terminal.shared.red("✗")
            Terminal.shared.write("\(mark) \(check.name)\(check.detail.isEmpty ? "" : " — \(check.detail)")\n")
        }
        unreachable.forEach(show)
        let checks = unreachable + (await verification.run(report: show))
        for connection in connections.values { await connection.close() }
        let failed = checks.filter { !$0.passed }.count
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            Terminal.shared.write(String(decoding: try encoder.encode(["checks": checks]), as: UTF8.self) + "\n")
        } else {
            Terminal.shared.write("\n\(checks.count - failed) passed, \(failed) failed\n")
        }
        if failed > 0 { throw ExitCodes.failure }
    }

    /// Connections to every host, in parallel; an unreachable host is a failed check.
    static func connectAll(_ inventory: Inventory) async -> (connections: [String: HostConnection], unreachable: [SiteVerification.Check]) {
        let factory = ConnectionFactory(inventory: inventory)
        let opened = await Parallel.map(inventory.hosts, width: 64) { host -> Opened in
            do { return Opened(host: host.name, connection: try await factory.connect(host), error: nil) } catch {
                return Opened(host: host.name, connection: nil, error: Diagnostics.message(error))
            }
        }
        var connections: [String: HostConnection] = [:]
        var unreachable: [SiteVerification.Check] = []
        for entry in opened {
            if let connection = entry.connection { connections[entry.host] = connection } else {
                unreachable.append(SiteVerification.Check(name: "reach \(entry.host) over SSH", passed: false, detail: entry.error ?? ""))
            }
        }
        return (connections, unreachable)
    }

    struct Opened: Sendable {
        var host: String
        var connection: HostConnection?
        var error: String?
    }
}
