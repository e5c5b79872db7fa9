import ArgumentParser
import Foundation
import RampartBasics
import RampartModel
import RampartRemote
import RampartSite

/// `rampart status`: the site as Prometheus sees it, read through the SSH connection to the
/// monitoring host (Prometheus's port stays closed to everyone else): hosts up or down, web QPS
/// per server and at the load balancer with a chart of the last minutes, replication, alerts.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Hosts, web QPS, replication and firing alerts, from Prometheus on the monitoring host.",
        discussion: """
          rampart status -i inventories/lab.yml              # a summary with a QPS chart
          rampart status -i inventories/lab.yml --json       # the same as one JSON object
        One SSH exec on the monitoring host (the first of group `monitoring`, or of the group
        the inventory's `site_groups: { monitoring: … }` names) runs every query.
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.")
    var inventoryFile: String?

    @Option(name: .long, help: "The host running Prometheus (default: the first host of group `monitoring`).")
    var monitoringHost: String?

    @Option(name: .long, help: "Minutes of QPS history in the chart.")
    var minutes: Int = 10

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let inventoryPath = try ProjectSource.inventory(inventoryFile)
        let inventory = try Diagnostics.loadInventory(path: inventoryPath)
        let layout = try SiteLayout(inventory: inventory)
        let name = monitoringHost ?? layout.hosts(.monitoring).first
        guard let name, let host = inventory.host(named: name) else {
            throw DiagnosticError(.error("no monitoring host: group `\(layout.groups[.monitoring]!)` is empty or missing in \(inventoryPath)",
                                         hint: "name one with --monitoring-host, or the group with `site_groups: { monitoring: GROUP }`"))
        }
        let connection = try await ConnectionFactory(inventory: inventory).connect(host)
        let result: CommandResult
        do { result = try await connection.run(Command(SiteStatus.script(minutes: max(1, minutes), port: layout.prometheusPort), display: "query Prometheus")) } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        guard result.succeeded else {
            throw DiagnosticError(.error("querying Prometheus on \(name) failed: \(result.stderrText.prefix(300))",
                                         hint: "is the site's monitoring play applied? (`rampart apply … playbooks/site.yml`)", host: name))
        }
        let status = try SiteStatus.parse(result.stdoutText, expectedHosts: inventory.hosts.map(\.name), monitoringHost: name)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            Terminal.shared.write(String(decoding: try encoder.encode(status), as: UTF8.self) + "\n")
        } else {
            Terminal.shared.write(status.rendered(colors: Terminal.shared.colors))
        }
    }
}
