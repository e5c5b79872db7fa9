import ArgumentParser
import Foundation
import Rampart
import RampartBasics
import RampartCA
import RampartModel
import RampartPlan
import RampartRemote
import RampartSSH

/// `rampart verify`: the running end state checked from outside the configs, as a checklist.
///
/// It follows the reference deployment's conventions: the site name in variable `site_domain`,
/// groups `loadbalancers`, `webservers`, `db_primary`, `db_replicas`, `monitoring`; a check whose
/// group is empty is skipped (and says so). The firewall matrix comes from the compiled playbook.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the running site from outside: HTTPS, backends, replication, firewall matrix, monitoring, sshd.",
        discussion: """
          rampart verify -i inventories/lab.yml playbooks/site.yml
        Exits 1 when any check fails.
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML).")
    var inventory: String

    @Argument(help: "The playbook the site was applied with (its firewalls give the matrix).")
    var playbook: String

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    struct Check: Codable {
        var name: String
        var passed: Bool
        var detail: String
    }

    func run() async throws {
        let project = try Project.load(inventory: inventory, playbook: playbook, vault: Diagnostics.vaultPassword)
        let catalog = try project.compile()
        let inv = project.inventory
        let factory = ConnectionFactory(inventory: inv)
        var checks: [Check] = []
        func record(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(Check(name: name, passed: passed, detail: detail))
            if !json {
                let mark = passed ? Terminal.shared.green("✓") : Terminal.shared.red("✗")
                Terminal.shared.write("\(mark) \(name)\(detail.isEmpty ? "" : " — \(detail)")\n")
            }
        }

        // Connections to every host, in parallel; an unreachable host is a failed check.
        let opened = await Parallel.map(inv.hosts, width: 64) { host -> Opened in
            do { return Opened(host: host.name, connection: try await factory.connect(host), error: nil) } catch {
                return Opened(host: host.name, connection: nil, error: Diagnostics.message(error))
            }
        }
        var reached: [String: HostConnection] = [:]
        for entry in opened {
            if let connection = entry.connection { reached[entry.host] = connection } else { record("reach \(entry.host) over SSH", false, entry.error ?? "") }
        }
        let connections = reached
        @Sendable func exec(_ host: String, _ script: String, privileged: Bool = true) async -> CommandResult? {
            guard let connection = connections[host] else { return nil }
            return try? await connection.run(Command(script, privileged: privileged, display: "verify"))
        }

        let domain = inv.vars["site_domain"].flatMap { if case .string(let s) = $0 { return s }; return nil } ?? "www.foobar.com"
        let lbs = inv.members(of: "loadbalancers"), webs = inv.members(of: "webservers")
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-verify-\(getpid()).pem").path
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        try CertificateAuthority.open(for: inv, vault: Diagnostics.vaultPassword).certificatePEM
            .write(toFile: caFile, atomically: true, encoding: .utf8)

        // The front door, through every load balancer.
        for lb in lbs {
            guard let address = inv.host(named: lb)?.address else { continue }
            let curl = "curl -sS --max-time 5 --cacert \(caFile) --resolve \(domain):443:\(address)"
            let https = Local.run("\(curl) -o /dev/null -D - https://\(domain)/")
            let hsts = https.output.lowercased().split(whereSeparator: \.isNewline).first { $0.hasPrefix("strict-transport-security:") }
            let maxAge = hsts.flatMap { $0.split(separator: "=").last.flatMap { Int($0.prefix { $0.isNumber }) } } ?? 0
            record("HTTPS on \(lb) with the internal CA", https.output.hasPrefix("HTTP/2 200") || https.output.hasPrefix("HTTP/1.1 200"),
                   https.output.split(whereSeparator: \.isNewline).first.map(String.init) ?? https.output)
            record("HSTS on \(lb) for at least 2 years", maxAge >= 63_072_000, hsts.map(String.init) ?? "no Strict-Transport-Security header")
            let http = Local.run("curl -sS --max-time 5 -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: \(domain)' http://\(address)/")
            record("HTTP on \(lb) redirects to HTTPS", http.output == "308 https://\(domain)/", http.output)
            if !webs.isEmpty {
                let served = Local.run("for i in $(seq \(webs.count * 4)); do \(curl) -o /dev/null -D - https://\(domain)/; done")
                let seen = Set(served.output.lowercased().split(whereSeparator: \.isNewline).compactMap { line -> String? in
                    line.hasPrefix("x-served-by:") ? line.dropFirst("x-served-by:".count).trimmingCharacters(in: .whitespaces) : nil
                })
                let missing = webs.filter { !seen.contains($0.lowercased()) }
                record("every web server answers through \(lb)", missing.isEmpty, missing.isEmpty ? webs.joined(separator: ", ") : "not seen: \(missing.joined(separator: ", "))")
            }
        }

        // Replication: running on every replica, and a row written on the primary crosses.
        if let primary = inv.members(of: "db_primary").first {
            let token = UUID().uuidString
            let write = await exec(primary, "mysql -e \"CREATE DATABASE IF NOT EXISTS rampart_verify; CREATE TABLE IF NOT EXISTS rampart_verify.heartbeat (id INT PRIMARY KEY, token VARCHAR(64)); REPLACE INTO rampart_verify.heartbeat VALUES (1, '\(token)')\"")
            record("a heartbeat row written on \(primary)", write?.succeeded == true, write.map { $0.stderrText.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unreachable")
            for replica in inv.members(of: "db_replicas") {
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

        // The firewall matrix, from the control node and from every host.
        let matrix = FirewallMatrix(catalog: catalog)
        if !matrix.rules.isEmpty, let anyHost = connections.keys.sorted().first {
            // The control node's address as the hosts see it.
            let control = (await exec(anyHost, "echo ${SSH_CLIENT%% *}", privileged: false))?.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let probes = matrix.probes(from: control)
            let wrong = FirewallMatrix.mismatches(probes, output: Local.connectAll(probes.map { ($0.address, $0.port) }))
            record("firewall matrix from the control node (\(control))", wrong.isEmpty, Self.describe(wrong, total: probes.count))
            let results = await Parallel.map(inv.hosts.filter { connections[$0.name] != nil }, width: 64) { host -> Probed in
                let probes = matrix.probes(from: host.address, skipping: host.name)
                let output = await exec(host.name, FirewallMatrix.script(probes), privileged: false)?.stdoutText ?? ""
                return Probed(host: host.name, total: probes.count, wrong: FirewallMatrix.mismatches(probes, output: output))
            }
            for r in results { record("firewall matrix from \(r.host)", r.wrong.isEmpty, Self.describe(r.wrong, total: r.total)) }
        }

        // Monitoring: every Prometheus target up.
        if let mon = inv.members(of: "monitoring").first {
            let up = await exec(mon, "curl -fsS --max-time 5 http://127.0.0.1:9090/api/v1/query --data-urlencode query=up", privileged: false)
            let samples = up.flatMap { try? PrometheusSeries.parse(Data($0.stdout)) } ?? []
            let down = samples.filter { $0.value != 1 }.map { "\($0.labels["job"] ?? "?")@\($0.labels["host"] ?? $0.labels["instance"] ?? "?")" }
            record("all Prometheus targets up on \(mon)", !samples.isEmpty && down.isEmpty, samples.isEmpty ? "no answer" : down.isEmpty ? "\(samples.count) targets" : "down: \(down.joined(separator: ", "))")
        }

        // sshd as configured, read back from sshd itself.
        let wanted = ["permitrootlogin no", "passwordauthentication no", "kbdinteractiveauthentication no"]
        for host in inv.hosts where connections[host.name] != nil {
            let settings = await exec(host.name, "sshd -T 2>/dev/null")?.stdoutText.split(separator: "\n").map(String.init) ?? []
            let missing = wanted.filter { !settings.contains($0) }
            record("sshd on \(host.name): no root, no passwords", missing.isEmpty, missing.isEmpty ? "" : "not in force: \(missing.joined(separator: ", "))")
        }

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

    struct Opened: Sendable {
        var host: String
        var connection: HostConnection?
        var error: String?
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

/// A shell command on the control node (curl, the local probes).
enum Local {
    static func run(_ script: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension Local {
    /// Tries every TCP connection at once (non-blocking connects, one poll loop, `timeout`
    /// seconds) and prints `ADDRESS PORT open|closed` lines like `FirewallMatrix.script`.
    /// In-process: a shell started from here could inherit a signal mask that makes `wait` hang.
    static func connectAll(_ targets: [(String, Int)], timeout: Double = 2) -> String {
        var sockets: [(fd: Int32, target: (String, Int))] = []
        var results: [String: Bool] = [:]
        for target in targets {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(target.1).bigEndian)
            guard inet_pton(AF_INET, target.0, &address.sin_addr) == 1 else { results["\(target.0) \(target.1)"] = false; continue }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { results["\(target.0) \(target.1)"] = false; continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if status == 0 { results["\(target.0) \(target.1)"] = true; close(fd); continue }
            guard errno == EINPROGRESS else { results["\(target.0) \(target.1)"] = false; close(fd); continue }
            sockets.append((fd, target))
        }
        let deadline = Monotonic.now() + timeout
        var pending = sockets
        while !pending.isEmpty && Monotonic.now() < deadline {
            var fds = pending.map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(max(1, (deadline - Monotonic.now()) * 1000)))
            guard ready > 0 else { continue }
            var still: [(fd: Int32, target: (String, Int))] = []
            for (index, entry) in pending.enumerated() {
                guard fds[index].revents != 0 else { still.append(entry); continue }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(entry.fd, SOL_SOCKET, SO_ERROR, &error, &length)
                results["\(entry.target.0) \(entry.target.1)"] = error == 0
                close(entry.fd)
            }
            pending = still
        }
        for entry in pending { results["\(entry.target.0) \(entry.target.1)"] = false; close(entry.fd) }
        return results.map { "\($0.key) \($0.value ? "open" : "closed")" }.sorted().joined(separator: "\n")
    }
}
