import Foundation
import Testing

/// Why each step is planned, on the converged site: a change of the playbook is intended, a
/// change made by hand on a host is drift, both at once each labelled right, and
/// `--drift-exitcode` tells "someone edited production" (3) from "a commit is waiting" (2).
enum DriftLabelLabChecks {
    /// (host, resource, reason) of every step of `plan --json`.
    static func labels() throws -> [String] {
        let plan = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any] ?? [:]
        var labels: [String] = []
        for host in object["hosts"] as? [[String: Any]] ?? [] {
            for step in host["steps"] as? [[String: Any]] ?? [] where step["isHandler"] as? Bool != true {
                let resources = (step["resources"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "?"):\($0["name"] ?? "?")" }
                labels.append("\(host["host"] ?? "?") \(resources.joined(separator: ",")) \(step["reason"] as? String ?? "-")")
            }
        }
        return labels.sorted()
    }

    static func exitCode() throws -> Int32 {
        try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--drift-exitcode"]).status
    }

    static func run() throws {
        var scenario = Scenario("28 intended vs drift")
        let template = packageRoot.appendingPathComponent("templates/web/index.html.j2").path
        let original = try String(contentsOfFile: template, encoding: .utf8)
        defer { try? original.write(toFile: template, atomically: true, encoding: .utf8) }
        func editTemplate() throws { try original.replacingOccurrences(of: "Served by", with: "Now served by").write(toFile: template, atomically: true, encoding: .utf8) }

        // A hand-made change on web2.
        _ = try EngineLabChecks.exec("web2", "echo 'edited by hand' >> /etc/motd")
        let handMade = try labels()
        scenario.expect(handMade == ["web2 file:/etc/motd drift"], "a hand-made change is drift: \(handMade)")
        let text = try rampart(["plan", "-i", labInventory, SiteLabChecks.site])
        scenario.expect(text.stdout.contains("[drift]") && text.stdout.contains("1 step corrects drift"), "\(text.stdout)")
        scenario.expect(try exitCode() == 3, "--drift-exitcode with drift")

        // A playbook change at the same time: each step labelled by its own cause.
        try editTemplate()
        let both = try labels()
        scenario.expect(both == ["web1 file:/var/www/foobar/index.html intended", "web2 file:/etc/motd drift",
                                 "web2 file:/var/www/foobar/index.html intended"], "both at once: \(both)")
        scenario.expect(try exitCode() == 3, "--drift-exitcode with drift and intended changes")

        // Apply's report says which changes corrected drift.
        try original.write(toFile: template, atomically: true, encoding: .utf8)
        let apply = try rampart(["apply", "-i", labInventory, SiteLabChecks.site, "--yes", "--json"])
        let fixed = apply.stdout.split(separator: "\n").contains { $0.contains("\"step_finish\"") && $0.contains("file:/etc/motd") && $0.contains("\"reason\":\"drift\"") }
        scenario.expect(apply.status == 0 && fixed, "apply's events label the corrected drift: \(apply.stdout.suffix(1500))")

        // Only a playbook change: intended, exit 2.
        try editTemplate()
        let intendedOnly = try labels()
        scenario.expect(intendedOnly == ["web1 file:/var/www/foobar/index.html intended", "web2 file:/var/www/foobar/index.html intended"],
                        "a playbook change is intended: \(intendedOnly)")
        scenario.expect(try exitCode() == 2, "--drift-exitcode with intended changes only")
        try original.write(toFile: template, atomically: true, encoding: .utf8)
        scenario.expect(try exitCode() == 0, "converged again")
        scenario.finish("hand-made change on web2: drift (exit 3); template change: intended on web1 and web2 (exit 2); both at once labelled each; apply's events carry the label")
    }
}
