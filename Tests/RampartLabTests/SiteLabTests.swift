import Foundation
import Testing

/// The web tier of the reference deployment on fresh lab hosts: HTTPS through the LB with the
/// internal CA, 308 and HSTS, TLS 1.2/1.3 only, both backends, the LB→web hop verified (a
/// backend with a certificate from another CA is marked down), no failed request while web1 is
/// stopped or while a web change is rolled, and a converged plan. Called from `labLifecycle`.
enum SiteLabChecks {
    static let site = "playbooks/site.yml"
    static let lb = "10.231.77.10"

    static func shell(_ script: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        defer { try? FileManager.default.removeItem(at: out) }
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }

    /// A request loop through the LB, detached (no long-lived child of the test process); returns
    /// the file its status codes go to, one per line, with `done` at the end.
    static func startLoop(_ name: String, requests: Int, ca: String) throws -> String {
        let file = "/tmp/rampart-loop-\(name)-\(getpid()).txt"
        _ = try shell("""
        rm -f \(file); setsid -f sh -c 'for i in $(seq \(requests)); do curl -s -o /dev/null -w "%{http_code}\\n" --max-time 5 \
        --cacert \(ca) --resolve www.foobar.com:443:\(lb) https://www.foobar.com/ >> \(file); sleep 0.05; done; echo done >> \(file)' \
        </dev/null >/dev/null 2>&1
        """)
        return file
    }

    static func finishLoop(_ file: String) throws -> [String] {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), text.hasSuffix("done\n") {
                try? FileManager.default.removeItem(atPath: file)
                return text.split(separator: "\n").dropLast().map(String.init)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("request loop \(file) did not finish")
        return []
    }

    /// A copy of the lab inventory in `folder` (edited by `edit`), sharing the lab's CA, vault
    /// and vars folder, so a test can change it without touching the repository's file.
    static func inventoryCopy(in folder: String, name: String, from source: String = labInventory,
                              edit: (String) -> String = { $0 }) throws -> String {
        var inventory = try String(contentsOfFile: source, encoding: .utf8)
        inventory = "ca: { directory: \(packageRoot.path)/inventories/.rampart/ca-lab }\n" + edit(inventory)
        inventory = inventory.replacingOccurrences(of: "vault: { password_file: lab.vault-password }",
                                                   with: "vault: { password_file: \(packageRoot.path)/inventories/lab.vault-password }")
        let path = folder + "/\(name).yml"
        try inventory.write(toFile: path, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: folder + "/\(name)")
        try FileManager.default.createSymbolicLink(atPath: folder + "/\(name)", withDestinationPath: packageRoot.path + "/inventories/lab")
        return path
    }

    static func run() throws {
        // The plan of fresh hosts, saved and as JSON, then the cold apply at full verbosity with
        // every host's process arguments watched: all searched for the vault's secrets.
        let planFile = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(getpid()).plan").path
        defer { try? FileManager.default.removeItem(atPath: planFile) }
        #expect(try rampart(["plan", "-i", labInventory, site, "--out", planFile]).status == 0)
        PlantedSecrets.scan(try String(contentsOfFile: planFile, encoding: .utf8), what: "the saved plan file")
        var swiftSite = Scenario("27 the site written in Swift")
        swiftSite.expect(try SwiftSiteChecks.samePlans("fresh lab"), "the Swift and YAML sites plan the fresh lab alike")
        // The cold apply is the Swift site's (Sources/FoobarSite, its own executable); the YAML
        // site then finds nothing to do, and later (after YAML applies) the other way round.
        try PlantedSecrets.watchArguments()
        let started = Date()
        let apply = try foobarSite(["apply", "--yes", "--json", "--verbose"])
        let cold = Date().timeIntervalSince(started)
        #expect(apply.status == 0, "site apply (Swift) failed:\n\(apply.stdout)\n\(apply.stderr)")
        try PlantedSecrets.collectArguments()
        let noopStarted = Date()
        let noop = try rampart(["plan", "-i", labInventory, site, "--detailed-exitcode"])
        let noopPlan = Date().timeIntervalSince(noopStarted)
        #expect(noop.status == 0, "not converged right after apply:\n\(noop.stdout)")
        swiftSite.expect(apply.status == 0 && noop.status == 0, "applied from Swift, the YAML site's plan is empty")
        swiftSite.expect(try SwiftSiteChecks.samePlans("converged lab"), "the Swift and YAML sites plan the converged lab alike")
        let swiftVerify = try foobarSite(["verify"])
        swiftSite.expect(swiftVerify.status == 0, "verify from the Swift site: \(swiftVerify.stdout)\(swiftVerify.stderr)")
        swiftSite.expect(try SwiftSiteChecks.everyCommand(), "the Swift site's executable runs rampart's commands")
        let rerunStarted = Date()
        let rerun = try rampart(["apply", "-i", labInventory, site, "--yes"])
        print(String(format: "site: cold apply %.1f s, no-op plan %.2f s, no-op re-run (apply) %.2f s", cold, noopPlan, Date().timeIntervalSince(rerunStarted)))
        #expect(rerun.status == 0 && rerun.stdout.contains("No changes"), "the re-run should change nothing:\n\(rerun.stdout)")
        // The data tier's servers: ids, replica read-only, TLS on, local_infile off, private bind.
        #expect(try EngineLabChecks.exec("db1", "mysql -NBe 'SELECT @@server_id, @@read_only, @@have_ssl, @@local_infile, @@bind_address'") == "1\t0\tYES\t0\t10.231.77.21\n")
        #expect(try EngineLabChecks.exec("db2", "mysql -NBe 'SELECT @@server_id, @@read_only, @@have_ssl, @@local_infile, @@bind_address'") == "2\t1\tYES\t0\t10.231.77.22\n")
        // Replication: GTID over TLS that verifies db1's certificate, and a row crosses it.
        let status = try EngineLabChecks.exec("db2", "mysql -e 'SHOW SLAVE STATUS\\G'")
        for expected in ["Slave_IO_Running: Yes", "Slave_SQL_Running: Yes", "Using_Gtid: Slave_Pos", "Master_SSL_Verify_Server_Cert: Yes", "Master_Host: 10.231.77.21"] {
            #expect(status.contains(expected), "replica status lacks \(expected):\n\(status)")
        }
        _ = try EngineLabChecks.exec("db1", "mysql -e \"CREATE TABLE IF NOT EXISTS app.crossing (id INT PRIMARY KEY, note VARCHAR(40)); REPLACE INTO app.crossing VALUES (1, 'written on db1')\"")
        var crossed = ""
        for _ in 0..<20 {
            crossed = try EngineLabChecks.exec("db2", "mysql -NBe 'SELECT note FROM app.crossing WHERE id=1' 2>/dev/null || true")
            if crossed == "written on db1\n" { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(crossed == "written on db1\n", "the row did not reach the replica")

        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-ca-\(getpid()).pem").path
        let show = try rampart(["ca", "show", "--pem", "-i", labInventory])
        try show.stdout.write(toFile: ca, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let curl = "curl -s --max-time 5 --cacert \(ca) --resolve www.foobar.com:443:\(lb)"

        // HTTPS with the CA, HSTS, both backends; HTTP answers 308.
        let https = try shell("for i in 1 2 3 4; do \(curl) -D - -o /dev/null https://www.foobar.com/; done")
        #expect(https.output.components(separatedBy: "HTTP/2 200").count - 1 == 4, "\(https.output)")
        #expect(https.output.contains("strict-transport-security: max-age=63072000"), "\(https.output)")
        #expect(https.output.contains("x-served-by: web1") && https.output.contains("x-served-by: web2"), "\(https.output)")
        let http = try shell("curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: www.foobar.com' http://\(lb)/")
        #expect(http.output == "308 https://www.foobar.com/")

        // TLS 1.1 refused by the server; 1.2 and 1.3 verify against the CA.
        let sclient = "openssl s_client -connect \(lb):443 -servername www.foobar.com -CAfile \(ca)"
        let tls11 = try shell("echo | \(sclient) -tls1_1 -cipher DEFAULT@SECLEVEL=0 2>&1")
        #expect(tls11.output.contains("alert protocol version") || tls11.output.contains("no protocols available"), "\(tls11.output)")
        for version in ["-tls1_2", "-tls1_3"] {
            let ok = try shell("echo | \(sclient) \(version) 2>&1")
            #expect(ok.output.contains("Verify return code: 0 (ok)"), "\(version): \(ok.output)")
        }

        // web1 stopped: the LB keeps answering.
        let loop = try startLoop("stop", requests: 60, ca: ca)
        Thread.sleep(forTimeInterval: 0.5)
        _ = try rampart(["exec", "-i", labInventory, "--limit", "web1", "--", "systemctl stop nginx"])
        let whileStopped = try finishLoop(loop)
        var stopped = Scenario("9 web1 stopped")
        stopped.expect(whileStopped.count == 60 && whileStopped.allSatisfy { $0 == "200" }, "failures while web1 was stopped: \(whileStopped)")
        stopped.finish("LB: \(whileStopped.count) requests, \(whileStopped.filter { $0 != "200" }.count) failed")
        swiftSite.expect(try SwiftSiteChecks.samePlans("drifted lab", changes: true), "the Swift and YAML sites plan the drifted lab alike")
        let healed = try rampart(["apply", "-i", labInventory, site, "--yes"])
        #expect(healed.status == 0, "\(healed.stdout)")
        let swiftNoop = try foobarSite(["plan", "--detailed-exitcode"])
        swiftSite.expect(swiftNoop.status == 0, "applied from YAML, the Swift site's plan is empty: \(swiftNoop.stdout)")
        swiftSite.finish("fresh, converged and drifted lab planned alike from Swift and YAML; applied from each, the other's plan empty; verify green from Swift")

        // A backend whose certificate comes from another CA is marked down by the LB.
        _ = try shell("""
        cd /tmp && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=web2 \
          -addext subjectAltName=DNS:web2 -keyout rogue.key -out rogue.crt 2>/dev/null
        """)
        // Test material only (a throwaway key), so it may travel in the command line.
        let rogueCert = try String(contentsOfFile: "/tmp/rogue.crt", encoding: .utf8)
        let rogueKey = try String(contentsOfFile: "/tmp/rogue.key", encoding: .utf8)
        let swap = try rampart(["exec", "-i", labInventory, "--limit", "web2", "--",
                                "printf '%s' '\(rogueCert)' > /etc/nginx/tls/backend.crt && printf '%s' '\(rogueKey)' > /etc/nginx/tls/backend.key && systemctl reload nginx"])
        #expect(swap.status == 0, "\(swap.stdout) \(swap.stderr)")
        Thread.sleep(forTimeInterval: 7)
        let state = try EngineLabChecks.exec("lb1", "echo 'show servers state web' | socat stdio /run/haproxy/admin.sock")
        // Field 6 of `show servers state` is srv_op_state: 0 = stopped (down), 2 = running.
        let web2Line = state.split(separator: "\n").first { $0.contains(" web2 ") } ?? ""
        #expect(web2Line.split(separator: " ").count > 5 && web2Line.split(separator: " ")[5] == "0", "web2 should be down: \(state)")
        let onlyWeb1 = try shell("for i in 1 2 3 4; do \(curl) -D - -o /dev/null https://www.foobar.com/; done")
        #expect(!onlyWeb1.output.contains("x-served-by: web2"), "\(onlyWeb1.output)")
        let fixed = try rampart(["apply", "-i", labInventory, site, "--yes"])
        #expect(fixed.status == 0 && fixed.stdout.contains("certificate:backend"), "the rogue certificate should be replaced:\n\(fixed.stdout)")

        // A web config change rolled through both servers (drained in HAProxy around each): no failed request.
        Thread.sleep(forTimeInterval: 5)
        let rollLoop = try startLoop("roll", requests: 120, ca: ca)
        _ = try shell("sed -i 's/Served by/Now served by/' \(packageRoot.path)/templates/web/index.html.j2")
        defer { _ = try? shell("sed -i 's/Now served by/Served by/' \(packageRoot.path)/templates/web/index.html.j2") }
        let change = try rampart(["apply", "-i", labInventory, site, "--yes"])
        #expect(change.status == 0 && change.stdout.contains("before_each on lb1"), "\(change.stdout)")
        let duringRoll = try finishLoop(rollLoop)
        var roll = Scenario("8 rolling change on both web servers")
        roll.expect(change.status == 0 && change.stdout.contains("before_each on lb1"), "the roll")
        roll.expect(duringRoll.count == 120 && duringRoll.allSatisfy { $0 == "200" }, "failures during the roll: \(duringRoll)")
        roll.finish("drained in HAProxy one at a time: \(duringRoll.count) requests, \(duringRoll.filter { $0 != "200" }.count) failed")
    }
}

/// The reference site in Swift (`foobar-site`) against the same site in YAML on the lab.
enum SwiftSiteChecks {
    /// `plan --json` of both sites: the same hosts and steps, byte for byte (the plan names the
    /// inventory and playbook the Swift site is read as — the YAML files' own paths).
    /// The commands beside plan/apply/verify, from the site's executable without -i: a saved
    /// plan applied, exec, status, inventory, ca, graph, validate.
    static func everyCommand() throws -> Bool {
        let planFile = FileManager.default.temporaryDirectory.appendingPathComponent("swift-site-\(getpid()).plan").path
        defer { try? FileManager.default.removeItem(atPath: planFile) }
        var ok = true
        func check(_ arguments: [String], _ expectation: (Int32, String) -> Bool) throws {
            let result = try foobarSite(arguments)
            if !expectation(result.status, result.stdout) {
                ok = false
                print("foobar-site \(arguments.joined(separator: " ")): status \(result.status)\n\(result.stdout.prefix(2000))\n\(result.stderr)")
            }
        }
        try check(["plan", "--out", planFile, "--detailed-exitcode"]) { status, _ in status == 0 }
        try check(["apply", planFile]) { status, out in status == 0 && out.contains("No changes") }
        try check(["exec", "--limit", "db_primary", "--", "hostname"]) { status, out in status == 0 && out.contains("db1") }
        try check(["status"]) { _, out in out.contains("mon1") }  // Prometheus may still be filling its first scrapes
        try check(["inventory", "--graph"]) { status, out in status == 0 && out.contains("@db_primary") }
        try check(["ca", "list"]) { status, out in status == 0 && out.contains("www") }
        try check(["graph"]) { status, out in status == 0 && out.contains("digraph") }
        try check(["validate"]) { status, out in status == 0 && out.contains("valid: 6 hosts") }
        return ok
    }

    static func samePlans(_ moment: String, changes: Bool = false) throws -> Bool {
        let swift = try foobarSite(["plan", "--json"])
        let yaml = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--json"])
        let same = swift.status == 0 && yaml.status == 0 && swift.stdout == yaml.stdout
        if !same {
            print("swift site plan (\(moment)), status \(swift.status):\n\(swift.stdout.prefix(3000))\n\(swift.stderr)")
            print("yaml site plan (\(moment)), status \(yaml.status):\n\(yaml.stdout.prefix(3000))\n\(yaml.stderr)")
        }
        let hasChanges = yaml.stdout.contains("\"action\"")
        return same && (!changes || hasChanges)
    }
}
