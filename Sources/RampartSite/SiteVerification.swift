import Foundation
import RampartBasics
import RampartModel
import RampartPlan
import RampartRemote

/// `rampart verify`'s checklist: the running site checked from outside its configs — HTTPS,
/// HSTS and the redirect through every load balancer, every web server answering behind it, a
/// heartbeat row crossing replication, the firewall matrix from the control node and from every
/// host, every Prometheus target up, sshd's settings in force. Which hosts play which part comes
/// from `SiteLayout`; a part with no hosts is skipped.
public struct SiteVerification: Sendable {
    public struct Check: Codable, Sendable {
        public var name: String
        public var passed: Bool
        public var detail: String
        public init(name: String, passed: Bool, detail: String) {
            self.name = name
            self.passed = passed
            self.detail = detail
        }
    }

    public let inventory: Inventory
    public let catalog: Catalog
    public let layout: SiteLayout
    /// Open connections to the hosts that answered (the others are failed checks already).
    public let connections: [String: HostConnection]
    /// The internal CA's certificate, for curl on the control node.
    public let caFile: String

    public init(inventory: Inventory, catalog: Catalog, layout: SiteLayout, connections: [String: HostConnection], caFile: String) {
        self.inventory = inventory
        self.catalog = catalog
        self.layout = layout
        self.connections = connections
        self.caFile = caFile
    }

    /// Runs every check, handing each to `report` as it is decided; returns them all.
    public func run(report: @escaping (Check) -> Void) async -> [Check] {
        var checks: [Check] = []
        func record(_ name: String, _ passed: Bool, _ detail: String) {
            let check = Check(name: name, passed: passed, detail: detail)
            checks.append(check)
            report(check)
        }
        for lb in layout.hosts(.loadBalancers) { frontDoor(lb, record) }
        if let primary = layout.hosts(.primary).first { await replication(from: primary, record) }
        await firewallMatrix(record)
        if let mon = layout.hosts(.monitoring).first { await monitoring(on: mon, record) }
        await sshd(record)
        return checks
    }

    func exec(_ host: String, _ script: String, privileged: Bool = true) async -> CommandResult? {
        guard let connection = connections[host] else { return nil }
        return try? await connection.run(Command(script, privileged: privileged, display: "verify"))
    }

    /// HTTPS with the internal CA, HSTS, the redirect, and every web server behind `lb`.
    func frontDoor(_ lb: String, _ record: (String, Bool, String) -> Void) {
        guard let address = inventory.host(named: lb)?.address else { return }
        let domain = layout.domain
        let curl = "curl -sS --max-time 5 --cacert \(caFile) --resolve \(domain):443:\(address)"
        let https = ControlNode.run("\(curl) -o /dev/null -D - https://\(domain)/")
        let hsts = https.output.lowercased().split(whereSeparator: \.isNewline).first { $0.hasPrefix("strict-transport-security:") }
        let maxAge = hsts.flatMap { $0.split(separator: "=").last.flatMap { Int($0.prefix { $0.isNumber }) } } ?? 0
        record("HTTPS on \(lb) with the internal CA", https.output.hasPrefix("HTTP/2 200") || https.output.hasPrefix("HTTP/1.1 200"),
               https.output.split(whereSeparator: \.isNewline).first.map(String.init) ?? https.output)
        record("HSTS on \(lb) for at least 2 years", maxAge >= 63_072_000, hsts.map(String.init) ?? "no Strict-Transport-Security header")
        let http = ControlNode.run("curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: \(domain)' http://\(address)/")
        record("HTTP on \(lb) redirects to HTTPS", http.output == "308 https://\(domain)/", http.output)
        let webs = layout.hosts(.webServers)
        guard !webs.isEmpty else { return }
        let served = ControlNode.run("for i in $(seq \(webs.count * 4)); do \(curl) -o /dev/null -D - https://\(domain)/; done")
        let seen = Set(served.output.lowercased().split(whereSeparator: \.isNewline).compactMap { line -> String? in
            line.hasPrefix("x-served-by:") ? line.dropFirst("x-served-by:".count).trimmingCharacters(in: .whitespaces) : nil
        })
        let missing = webs.filter { !seen.contains($0.lowercased()) }
        record("every web server answers through \(lb)", missing.isEmpty, missing.isEmpty ? webs.joined(separator: ", ") : "not seen: \(missing.joined(separator: ", "))")
    }

    /// Replication running on every replica, and a row written on the primary reaching each.
    func replication(from primary: String, _ record: (String, Bool, String) -> Void) async {
        let token = UUID().uuidString
        let write = await exec(primary, "mysql -e \"CREATE DATABASE IF NOT EXISTS rampart_verify; CREATE TABLE IF NOT EXISTS rampart_verify.heartbeat (id INT PRIMARY KEY, token VARCHAR(64)); REPLACE INTO rampart_verify.heartbeat VALUES (1, '\(token)')\"")
        record("a heartbeat row written on \(primary)", write?.succeeded == true, write.map { $0.stderrText.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unreachable")
        for replica in layout.hosts(.replicas) {
            let status = await exec(replica, "mysql -e 'SHOW SLAVE STATUS\\G' | grep -E ' (Slave_IO_Running|Slave_SQL_Running|Master_Host|Using_Gtid|Master_SSL_Verify_Server_Cert):'")
            let text = status?.stdoutText ?? ""
            let running = text.contains("Slave_IO_Running: Yes") && text.contains("Slave_SQL_Running: Yes")
                && text.contains("Master_SSL_Verify_Server_Cert: Yes") && text.contains("Using_Gtid: Slave_Pos")
            record("\(replica) replicates from \(primary) (GTID, verified TLS)", running,
                   text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            var crossed = false
            let started = Monotonic.now()
            while !crossed && Monotonic.now() - started < 10 {
                crossed = await exec(replica, "mysql -NBe 'SELECT token FROM rampart_verify.heartbeat WHERE id=1' 2>/dev/null")?.stdoutText
                    .trimmingCharacters(in: .whitespacesAndNewlines) == token
                if !crossed { try? await Task.sleep(nanoseconds: 200_000_000) }
            }
            record("the heartbeat row reaches \(replica)", crossed, crossed ? String(format: "in %.1f s", Monotonic.now() - started) : "not within 10 s")
        }
    }

    /// The compiled playbook's firewall matrix, probed from the control node and from every host.
    func firewallMatrix(_ record: (String, Bool, String) -> Void) async {
        let matrix = FirewallMatrix(catalog: catalog)
        guard !matrix.rules.isEmpty, !connections.isEmpty else { return }
        // The control node's address as the hosts see it: a host behind a jump host sees the
        // jump host's address instead, so take what a directly reached host sees.
        let seen = await Parallel.map(connections.keys.sorted(), width: 64) { host in
            (await exec(host, "echo ${SSH_CLIENT%% *}", privileged: false))?.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        let hostAddresses = Set(inventory.hosts.map(\.address))
        if let control = seen.first(where: { !$0.isEmpty && !hostAddresses.contains($0) }) {
            let probes = matrix.probes(from: control)
            let wrong = FirewallMatrix.mismatches(probes, output: ControlNode.connectAll(probes.map { ($0.address, $0.port) }))
            record("firewall matrix from the control node (\(control))", wrong.isEmpty, Self.describe(wrong, total: probes.count))
        }
        let results = await Parallel.map(inventory.hosts.filter { connections[$0.name] != nil }, width: 64) { host -> Probed in
            let probes = matrix.probes(from: host.address, skipping: host.name)
            let output = await exec(host.name, FirewallMatrix.script(probes), privileged: false)?.stdoutText ?? ""
            return Probed(host: host.name, total: probes.count, wrong: FirewallMatrix.mismatches(probes, output: output))
        }
        for r in results { record("firewall matrix from \(r.host)", r.wrong.isEmpty, Self.describe(r.wrong, total: r.total)) }
    }

    /// Every Prometheus target up, asked on the monitoring host — once Prometheus answers and has
    /// scraped each target at least once (up to 60 s: a verify right after the apply that
    /// started Prometheus waits for it rather than failing).
    func monitoring(on mon: String, _ record: (String, Bool, String) -> Void) async {
        let api = "http://127.0.0.1:\(layout.prometheusPort)/api/v1"
        let settle = "for i in $(seq 60); do t=$(curl -fsS --max-time 5 \(api)/targets 2>/dev/null) && [ -n \"$t\" ] && ! printf %s \"$t\" | grep -q '\"health\":\"unknown\"' && break; sleep 1; done; "
        let up = await exec(mon, settle + "curl -fsS --max-time 5 \(api)/query --data-urlencode query=up", privileged: false)
        let samples = up.flatMap { try? PrometheusSeries.parse(Data($0.stdout)) } ?? []
        let down = samples.filter { $0.value != 1 }.map { "\($0.labels["job"] ?? "?")@\($0.labels["host"] ?? $0.labels["instance"] ?? "?")" }
        record("all Prometheus targets up on \(mon)", !samples.isEmpty && down.isEmpty,
               samples.isEmpty ? "no answer" : down.isEmpty ? "\(samples.count) targets" : "down: \(down.joined(separator: ", "))")
    }

    /// sshd as configured, read back from sshd itself.
    func sshd(_ record: (String, Bool, String) -> Void) async {
        let wanted = ["permitrootlogin no", "passwordauthentication no", "kbdinteractiveauthentication no"]
        for host in inventory.hosts where connections[host.name] != nil {
            let settings = await exec(host.name, "sshd -T 2>/dev/null")?.stdoutText.split(separator: "\n").map(String.init) ?? []
            let missing = wanted.filter { !settings.contains($0) }
            record("sshd on \(host.name): no root, no passwords", missing.isEmpty, missing.isEmpty ? "" : "not in force: \(missing.joined(separator: ", "))")
        }
    }

    struct Probed: Sendable {
        var host: String
        var total: Int
        var wrong: [FirewallMatrix.Mismatch]
    }

    static func describe(_ wrong: [FirewallMatrix.Mismatch], total: Int) -> String {
        guard !wrong.isEmpty else { return "\(total) probes as expected" }
        return wrong.prefix(8).map { w in
            "\(w.probe.target):\(w.probe.port) should be \(w.probe.expectedOpen ? "open" : "closed"), was \(w.wasOpen.map { $0 ? "open" : "closed" } ?? "not probed")"
        }.joined(separator: "; ") + (wrong.count > 8 ? "; … \(wrong.count - 8) more" : "")
    }
}
