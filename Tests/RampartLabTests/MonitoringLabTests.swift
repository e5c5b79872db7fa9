import Foundation
import Testing

/// Monitoring of the reference deployment: Prometheus on mon1 scrapes every exporter (all
/// targets up), replication is watched, and N requests through the LB raise the web servers'
/// request counters by at least N.
enum MonitoringLabChecks {
    /// One PromQL query on mon1's Prometheus (through SSH; its port is closed to the control node).
    static func query(_ expr: String) throws -> [(labels: [String: String], value: Double)] {
        let encoded = Data(expr.utf8).base64EncodedString()
        let json = try EngineLabChecks.exec("mon1", "curl -s http://127.0.0.1:9090/api/v1/query --data-urlencode \"query=$(echo \(encoded) | base64 -d)\"")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let result = ((object?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        return result.map { item in
            let labels = item["metric"] as? [String: String] ?? [:]
            let value = Double(((item["value"] as? [Any])?.last as? String) ?? "") ?? .nan
            return (labels, value)
        }
    }

    static func total(_ expr: String) throws -> Double { try query(expr).map(\.value).reduce(0, +) }

    static func run() throws {
        // Every target up (exporters may need a scrape or two after the apply).
        var down: [String] = ["?"]
        for _ in 0..<20 {
            let up = try query("up")
            down = up.filter { $0.value != 1 }.map { "\($0.labels["job"] ?? "?")@\($0.labels["host"] ?? "?")" }
            if !down.isEmpty || up.count < 12 { Thread.sleep(forTimeInterval: 1); continue }
            break
        }
        #expect(down.isEmpty, "targets down: \(down)")
        #expect(try query("up").count == 12, "expected 12 targets (node ×6, nginx ×2, haproxy, mysqld ×2, prometheus)")
        #expect(try total("mysql_slave_status_slave_sql_running") == 1, "replication should be watched on the replica")
        #expect(try total("mysql_up") == 2)

        // N requests through the LB: the web servers' counters rise by at least N.
        let n = 50
        let before = try total("sum(nginx_http_requests_total)")
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-mon-\(getpid()).pem").path
        try rampart(["ca", "show", "--pem", "-i", labInventory]).stdout.write(toFile: ca, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: ca) }
        _ = try SiteLabChecks.shell("for i in $(seq \(n)); do curl -s -o /dev/null --cacert \(ca) --resolve www.foobar.com:443:\(SiteLabChecks.lb) https://www.foobar.com/; done")
        var after = before
        for _ in 0..<30 {
            after = try total("sum(nginx_http_requests_total)")
            if after - before >= Double(n) { break }
            Thread.sleep(forTimeInterval: 1)
        }
        print(String(format: "monitoring: %d requests through the LB, nginx counters rose by %.0f", n, after - before))
        #expect(after - before >= Double(n), "nginx counters rose by \(after - before) after \(n) requests")
        #expect(try total("sum(haproxy_frontend_http_requests_total{proxy=\"https\"})") >= Double(n))

        // `rampart status` shows it: every host up, both web servers' QPS, the replica, no alert.
        let status = try rampart(["status", "-i", labInventory, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        let hosts = object["hosts"] as? [[String: Any]] ?? []
        #expect(hosts.count == 6 && hosts.allSatisfy { $0["up"] as? Bool == true }, "\(status.stdout)")
        let web = object["webQPS"] as? [String: Double] ?? [:]
        #expect(Set(web.keys) == ["web1", "web2"] && web.values.reduce(0, +) > 0, "\(status.stdout)")
        let replicas = object["replicas"] as? [[String: Any]] ?? []
        #expect(replicas.count == 1 && replicas.first?["host"] as? String == "db2" && replicas.first?["running"] as? Bool == true, "\(status.stdout)")
        let text = try rampart(["status", "-i", labInventory])
        #expect(text.stdout.contains("db2 ← 10.231.77.21  running") && text.stdout.contains("LB requests/s, last"), "\(text.stdout)")
    }
}
