import Foundation
import RampartBasics
import RampartRemote

/// What `rampart status` shows, parsed from Prometheus's JSON answers.
public struct SiteStatus: Codable, Sendable {
    public struct HostState: Codable, Sendable {
        public var name: String
        public var up: Bool
        /// Scrape jobs of this host and whether each is up.
        public var targets: [String: Bool]
    }
    public struct Replica: Codable, Sendable {
        public var host: String
        public var source: String
        public var running: Bool
        public var lagSeconds: Double?
    }
    public struct Alert: Codable, Sendable {
        public var name: String
        public var severity: String
        public var labels: [String: String]
    }

    public var monitoringHost: String
    public var hosts: [HostState]
    /// Requests per second over the last minute, per web server.
    public var webQPS: [String: Double]
    /// Requests per second at the load balancer's public frontends.
    public var lbQPS: Double?
    /// The load balancer's QPS over the last minutes, oldest first.
    public var lbHistory: [Double]
    public var historyMinutes: Int
    public var replicas: [Replica]
    public var alerts: [Alert]

    /// The queries, in one script, each answer after a `### name` line.
    public static func script(minutes: Int, port: Int = 9090) -> String {
        let queries = [
            ("up", "up"),
            ("web", "host:nginx_http_requests:rate1m"),
            ("lb", "site:haproxy_frontend_http_requests:rate1m"),
            ("io", "mysql_slave_status_slave_io_running"),
            ("sql", "mysql_slave_status_slave_sql_running"),
            ("lag", "mysql_slave_status_seconds_behind_master"),
            ("alerts", "ALERTS{alertstate=\"firing\"}"),
        ]
        var lines = ["set -e", "p=http://127.0.0.1:\(port)/api/v1"]
        for (name, query) in queries {
            lines.append("echo '### \(name)'; curl -fsS --max-time 5 $p/query --data-urlencode \(ShellQuoting.quote("query=" + query)); echo")
        }
        let step = max(5, minutes * 60 / 48)
        lines.append("now=$(date +%s); echo '### history'; curl -fsS --max-time 5 $p/query_range --data-urlencode \(ShellQuoting.quote("query=site:haproxy_frontend_http_requests:rate1m")) --data-urlencode start=$((now - \(minutes * 60))) --data-urlencode end=$now --data-urlencode step=\(step); echo")
        lines.append("echo '### minutes'; echo \(minutes)")
        return lines.joined(separator: "\n")
    }

    public static func parse(_ output: String, expectedHosts: [String], monitoringHost: String) throws -> SiteStatus {
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

    /// The summary as text; `colors` paints up/down and alerts for a terminal.
    public func rendered(colors: Bool) -> String {
        let t = Paint(enabled: colors)
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

    public static func rate(_ value: Double) -> String { value.isNaN ? "?" : String(format: "%.2f/s", value) }

    /// ▁▂▃▄▅▆▇█, scaled to the largest value (all ▁ when nothing happened).
    public static func sparkline(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let top = values.filter { !$0.isNaN }.max() ?? 0
        return String(values.map { v in
            guard top > 0, !v.isNaN else { return blocks[0] }
            return blocks[min(blocks.count - 1, Int((v / top) * Double(blocks.count - 1) + 0.5))]
        })
    }
}

/// ANSI colors when writing to a terminal, plain text otherwise.
public struct Paint: Sendable {
    public var enabled: Bool
    public init(enabled: Bool) { self.enabled = enabled }
    public func green(_ text: String) -> String { enabled ? "\u{1B}[32m\(text)\u{1B}[0m" : text }
    public func red(_ text: String) -> String { enabled ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
}
