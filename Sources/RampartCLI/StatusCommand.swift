import ArgumentParser
import Foundation
import RampartBasics
import RampartModel
import RampartRemote

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
        One SSH exec on the monitoring host (the first of group `monitoring`) runs every query.
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML).")
    var inventory: String

    @Option(name: .long, help: "The host running Prometheus (default: the first host of group `monitoring`).")
    var monitoringHost: String?

    @Option(name: .long, help: "Minutes of QPS history in the chart.")
    var minutes: Int = 10

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let inventory = try Diagnostics.loadInventory(path: self.inventory)
        let name = monitoringHost ?? inventory.members(of: "monitoring").first
        guard let name, let host = inventory.host(named: name) else {
            throw DiagnosticError(.error("no monitoring host: group `monitoring` is empty or missing in \(self.inventory)",
                                         hint: "name one with --monitoring-host"))
        }
        let connection = try await ConnectionFactory(inventory: inventory).connect(host)
        let result: CommandResult
        do { result = try await connection.run(Command(SiteStatus.script(minutes: max(1, minutes)), display: "query Prometheus")) } catch {
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
            Terminal.shared.write(status.rendered())
        }
    }
}

/// What `rampart status` shows, parsed from Prometheus's JSON answers.
struct SiteStatus: Codable {
    struct HostState: Codable {
        var name: String
        var up: Bool
        /// Scrape jobs of this host and whether each is up.
        var targets: [String: Bool]
    }
    struct Replica: Codable {
        var host: String
        var source: String
        var running: Bool
        var lagSeconds: Double?
    }
    struct Alert: Codable {
        var name: String
        var severity: String
        var labels: [String: String]
    }

    var monitoringHost: String
    var hosts: [HostState]
    /// Requests per second over the last minute, per web server.
    var webQPS: [String: Double]
    /// Requests per second at the load balancer's public frontends.
    var lbQPS: Double?
    /// The load balancer's QPS over the last minutes, oldest first.
    var lbHistory: [Double]
    var historyMinutes: Int
    var replicas: [Replica]
    var alerts: [Alert]

    /// The queries, in one script, each answer after a `### name` line.
    static func script(minutes: Int) -> String {
        let queries = [
            ("up", "up"),
            ("web", "host:nginx_http_requests:rate1m"),
            ("lb", "site:haproxy_frontend_http_requests:rate1m"),
            ("io", "mysql_slave_status_slave_io_running"),
            ("sql", "mysql_slave_status_slave_sql_running"),
            ("lag", "mysql_slave_status_seconds_behind_master"),
            ("alerts", "ALERTS{alertstate=\"firing\"}"),
        ]
        var lines = ["set -e", "p=http://127.0.0.1:9090/api/v1"]
        for (name, query) in queries {
            lines.append("echo '### \(name)'; curl -fsS --max-time 5 $p/query --data-urlencode \(ShellQuoting.quote("query=" + query)); echo")
        }
        let step = max(5, minutes * 60 / 48)
        lines.append("now=$(date +%s); echo '### history'; curl -fsS --max-time 5 $p/query_range --data-urlencode \(ShellQuoting.quote("query=site:haproxy_frontend_http_requests:rate1m")) --data-urlencode start=$((now - \(minutes * 60))) --data-urlencode end=$now --data-urlencode step=\(step); echo")
        lines.append("echo '### minutes'; echo \(minutes)")
        return lines.joined(separator: "\n")
    }

    static func parse(_ output: String, expectedHosts: [String], monitoringHost: String) throws -> SiteStatus {
        var sections: [String: String] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") { current = String(line.dropFirst(4)); continue }
            if let current { sections[current, default: ""] += line + "\n" }
        }
        func vector(_ name: String) throws -> [PrometheusSeries] {
            guard let text = sections[name], let series = try PrometheusSeries.parse(Data(text.utf8)) else {
                throw DiagnosticError(.error("Prometheus gave no answer to the `\(name)` query", host: monitoringHost))
            }
            return series
        }
        var targets: [String: [String: Bool]] = [:]
        for sample in try vector("up") {
            let host = sample.labels["host"] ?? monitoringHost
            targets[host, default: [:]][sample.labels["job"] ?? "?"] = sample.value == 1
        }
        let hosts = (expectedHosts + targets.keys.filter { !expectedHosts.contains($0) }.sorted()).map { name in
            HostState(name: name, up: !(targets[name] ?? [:]).isEmpty && (targets[name] ?? [:]).values.allSatisfy { $0 }, targets: targets[name] ?? [:])
        }
        var web: [String: Double] = [:]
        for sample in try vector("web") { web[sample.labels["host"] ?? "?"] = sample.value }
        let lb = try vector("lb").first?.value
        var history: [Double] = []
        if let text = sections["history"] { history = try PrometheusSeries.parse(Data(text.utf8))?.first?.values ?? [] }
        let io = try vector("io"), sql = try vector("sql"), lag = try vector("lag")
        let replicas = io.map { sample -> Replica in
            let host = sample.labels["host"] ?? "?"
            let sqlRunning = sql.first { $0.labels["host"] == host }?.value == 1
            return Replica(host: host, source: sample.labels["master_host"] ?? "?", running: sample.value == 1 && sqlRunning,
                           lagSeconds: lag.first { $0.labels["host"] == host }?.value)
        }.sorted { $0.host < $1.host }
        let alerts = try vector("alerts").map { sample in
            Alert(name: sample.labels["alertname"] ?? "?", severity: sample.labels["severity"] ?? "",
                  labels: sample.labels.filter { !["__name__", "alertname", "alertstate", "severity"].contains($0.key) })
        }
        return SiteStatus(monitoringHost: monitoringHost, hosts: hosts, webQPS: web, lbQPS: lb, lbHistory: history,
                          historyMinutes: Int(sections["minutes"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0,
                          replicas: replicas, alerts: alerts)
    }

    func rendered() -> String {
        let t = Terminal.shared
        var out = "Site status from Prometheus on \(monitoringHost)\n\nHosts\n"
        let width = hosts.map(\.name.count).max() ?? 4
        for host in hosts {
            let jobs = host.targets.keys.sorted().map { host.targets[$0]! ? $0 : t.red("\($0) down") }.joined(separator: ", ")
            out += "  \(host.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(host.up ? t.green("up  ") : t.red("DOWN"))  \(jobs.isEmpty ? "(no targets)" : jobs)\n"
        }
        out += "\nWeb requests/s (1 min)\n"
        for name in webQPS.keys.sorted() { out += "  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(Self.rate(webQPS[name]!))\n" }
        out += "  \("LB".padding(toLength: width, withPad: " ", startingAt: 0))  \(lbQPS.map(Self.rate) ?? "no data")  (all frontends)\n"
        if !lbHistory.isEmpty {
            out += "\nLB requests/s, last \(historyMinutes) min   \(Self.sparkline(lbHistory))   max \(Self.rate(lbHistory.max() ?? 0))\n"
        }
        out += "\nReplication\n"
        if replicas.isEmpty { out += "  no replica reports (is the mysqld exporter up?)\n" }
        for replica in replicas {
            let lag = replica.lagSeconds.map { $0.isNaN ? "?" : String(format: "%.0f s", $0) } ?? "?"
            out += "  \(replica.host) ← \(replica.source)  \(replica.running ? t.green("running") : t.red("STOPPED"))  lag \(lag)\n"
        }
        out += "\nAlerts\n"
        if alerts.isEmpty { out += "  none firing\n" }
        for alert in alerts {
            let labels = alert.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            out += "  \(t.red(alert.name)) \(alert.severity)  \(labels)\n"
        }
        return out
    }

    static func rate(_ value: Double) -> String { value.isNaN ? "?" : String(format: "%.2f/s", value) }

    /// ▁▂▃▄▅▆▇█, scaled to the largest value (all ▁ when nothing happened).
    static func sparkline(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let top = values.filter { !$0.isNaN }.max() ?? 0
        return String(values.map { v in
            guard top > 0, !v.isNaN else { return blocks[0] }
            return blocks[min(blocks.count - 1, Int((v / top) * Double(blocks.count - 1) + 0.5))]
        })
    }
}

/// One series of a Prometheus HTTP API answer (`/query` or `/query_range`).
struct PrometheusSeries {
    var labels: [String: String]
    /// One value for an instant query; oldest first for a range.
    var values: [Double]
    var value: Double { values.last ?? .nan }

    /// The series of an answer; nil when it is JSON but not a Prometheus result, throws when it
    /// is not JSON.
    static func parse(_ data: Data) throws -> [PrometheusSeries]? {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]] else { return nil }
        return result.map { item in
            let pairs = item["values"] as? [[Any]] ?? (item["value"] as? [Any]).map { [$0] } ?? []
            return PrometheusSeries(labels: item["metric"] as? [String: String] ?? [:],
                                    values: pairs.compactMap { ($0.last as? String).flatMap(Double.init) })
        }
    }
}
