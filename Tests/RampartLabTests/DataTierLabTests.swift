import Foundation
import Testing

/// The data tier of the reference deployment, after `SiteLabChecks` applied the site to fresh
/// hosts: the application through the LB reads and writes the database, the application
/// account cannot write on the replica, a second apply leaves replication alone, and
/// `rampart db promote` switches the roles and back with the application following.
enum DataTierLabChecks {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-db-\(getpid())").path

    /// The application page through the LB (POST adds a note).
    static func app(_ ca: String, note: String? = nil) throws -> String {
        let post = note.map { "-X POST --data-urlencode note=\($0) " } ?? ""
        return try SiteLabChecks.shell("curl -s --max-time 10 \(post)--cacert \(ca) --resolve www.foobar.com:443:\(SiteLabChecks.lb) https://www.foobar.com/app/").output
    }

    /// Waits until `host` has the note (replication is asynchronous); returns whether it came.
    static func arrives(_ note: String, on host: String) throws -> Bool {
        for _ in 0..<40 {
            if try EngineLabChecks.exec(host, "mysql -NBe \"SELECT COUNT(*) FROM app.notes WHERE body='\(note)'\"") == "1\n" { return true }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return false
    }

    static func roles(primary: String, replica: String) throws {
        let ids = ["db1": "10.231.77.21", "db2": "10.231.77.22"]
        #expect(try EngineLabChecks.exec(primary, "mysql -NBe 'SELECT @@read_only'") == "0\n", "\(primary) should take writes")
        #expect(try EngineLabChecks.exec(replica, "mysql -NBe 'SELECT @@read_only'") == "1\n", "\(replica) should be read-only")
        #expect(try EngineLabChecks.exec(primary, "mysql -e 'SHOW SLAVE STATUS'") == "", "\(primary) should replicate from nobody")
        let status = try EngineLabChecks.exec(replica, "mysql -e 'SHOW SLAVE STATUS\\G'")
        for expected in ["Master_Host: \(ids[primary]!)", "Slave_IO_Running: Yes", "Slave_SQL_Running: Yes", "Using_Gtid: Slave_Pos",
                         "Master_SSL_Verify_Server_Cert: Yes"] {
            #expect(status.contains(expected), "\(replica) status lacks \(expected):\n\(status)")
        }
    }

    static func run() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ca = folder + "/ca.pem"
        try rampart(["ca", "show", "--pem", "-i", labInventory]).stdout.write(toFile: ca, atomically: true, encoding: .utf8)

        // LB → web → database: a note written through the application is read back, and replicated.
        let written = try app(ca, note: "first-note")
        #expect(written.contains("written: note") && written.contains("database: db1") && written.contains("first-note"), "\(written)")
        #expect(try arrives("first-note", on: "db2"), "the application's note did not reach db2")

        // The application account, from a web server, cannot write on the replica.
        let attempt = """
        <?php
        $c = json_decode(file_get_contents('/etc/foobar/app.json'), true);
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        $db = mysqli_init();
        $db->options(MYSQLI_OPT_SSL_VERIFY_SERVER_CERT, true);
        $db->ssl_set(null, null, $c['ca'], null, null);
        $db->real_connect('10.231.77.22', $c['user'], $c['password'], 'app', 3306, null, MYSQLI_CLIENT_SSL);
        try { $db->query("INSERT INTO notes (body, web) VALUES ('on-the-replica', 'test')"); echo "WROTE\\n"; }
        catch (mysqli_sql_exception $e) { echo 'REFUSED ', $e->getCode(), ' ', $e->getMessage(), "\\n"; }
        """
        let script = Data(attempt.utf8).base64EncodedString()
        let refused = try EngineLabChecks.exec("web1", "echo \(script) | base64 -d > /tmp/replica-write.php && php /tmp/replica-write.php; rm -f /tmp/replica-write.php")
        #expect(refused.hasPrefix("REFUSED 1290") && refused.contains("read-only"), "the replica should refuse the application's write: \(refused)")

        // A second apply changes nothing and leaves replication alone (no re-point: same relay log).
        let relay = "mysql -e 'SHOW SLAVE STATUS\\G' | grep -E ' Relay_Log_File:| Master_Host:'"
        let before = try EngineLabChecks.exec("db2", relay)
        let again = try rampart(["apply", "-i", labInventory, SiteLabChecks.site, "--yes"])
        #expect(again.status == 0 && !again.stdout.contains("replication:default"), "\(again.stdout)")
        #expect(try EngineLabChecks.exec("db2", relay) == before, "the second apply touched replication")

        // Broken replication is drift: plan shows it with the reason, apply restarts it.
        _ = try EngineLabChecks.exec("db2", "mysql -e 'STOP SLAVE'")
        let broken = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--detailed-exitcode"])
        #expect(broken.status == 2 && broken.stdout.contains("restart replication (stopped"), "\(broken.stdout)")
        #expect(try rampart(["apply", "-i", labInventory, SiteLabChecks.site, "--yes"]).status == 0)
        try roles(primary: "db1", replica: "db2")

        // A new replica of a primary whose old binary logs are purged: seeded with the primary's
        // data (the notes written so far), then replicating.
        _ = try EngineLabChecks.exec("db1", "mysql -e 'FLUSH BINARY LOGS; PURGE BINARY LOGS BEFORE NOW()'")
        _ = try EngineLabChecks.exec("db2", "systemctl stop mariadb && rm -rf /var/lib/mysql && mariadb-install-db --user=mysql >/dev/null 2>&1 && systemctl start mariadb")
        let reseed = try rampart(["apply", "-i", labInventory, SiteLabChecks.site, "--yes", "--verbose"])
        #expect(reseed.status == 0 && reseed.stdout.contains("initial copy of db1's data"), "\(reseed.stdout)\n\(reseed.stderr)")
        try roles(primary: "db1", replica: "db2")
        #expect(try arrives("first-note", on: "db2"), "the seeded replica lacks the primary's data")
        _ = try app(ca, note: "after-reseed")
        #expect(try arrives("after-reseed", on: "db2"), "the seeded replica does not replicate")

        // Switchover to db2 by the site written in Swift: it edits the two groups' host lists in
        // Sources/FoobarSite/Lab.swift (put back afterwards) and applies the site as edited.
        let labSwift = packageRoot.appendingPathComponent("Sources/FoobarSite/Lab.swift").path
        let labSource = try String(contentsOfFile: labSwift, encoding: .utf8)
        defer { try? labSource.write(toFile: labSwift, atomically: true, encoding: .utf8) }
        var started = Date()
        let promote = try foobarSite(["db", "promote", "db2", "--yes"])
        print(String(format: "db promote db2 (switchover + apply, Swift site): %.1f s", Date().timeIntervalSince(started)))
        #expect(promote.status == 0, "promote db2 failed:\n\(promote.stdout)\n\(promote.stderr)")
        let editedSource = try String(contentsOfFile: labSwift, encoding: .utf8)
        #expect(editedSource.contains(#"Group("db_primary", hosts: [db2])"#) && editedSource.contains(#"Group("db_replicas", hosts: [db1])"#),
                "\(editedSource)")
        #expect(editedSource.replacingOccurrences(of: "[db2]", with: "[x]").replacingOccurrences(of: "[db1]", with: "[db2]")
                    .replacingOccurrences(of: "[x]", with: "[db1]") == labSource, "promote changed more than the two host lists")
        try labSource.write(toFile: labSwift, atomically: true, encoding: .utf8)
        // The same move in YAML (a copy of the inventory) plans nothing: the Swift site applied exactly it.
        let inventory = try SiteLabChecks.inventoryCopy(in: folder, name: "lab-db")
        let yamlText = try String(contentsOfFile: inventory, encoding: .utf8)
        try yamlText.replacingOccurrences(of: "db_primary:    { hosts: [db1] }", with: "db_primary:    { hosts: [db2] }")
            .replacingOccurrences(of: "db_replicas:   { hosts: [db2] }", with: "db_replicas:   { hosts: [db1] }")
            .write(toFile: inventory, atomically: true, encoding: .utf8)
        try roles(primary: "db2", replica: "db1")
        let onDB2 = try app(ca, note: "after-promote")
        #expect(onDB2.contains("written: note") && onDB2.contains("database: db2") && onDB2.contains("first-note"), "\(onDB2)")
        #expect(try arrives("after-promote", on: "db1"), "the note written on db2 did not reach db1")
        #expect(try rampart(["plan", "-i", inventory, SiteLabChecks.site, "--detailed-exitcode"]).status == 0, "not converged after promote")

        // And back: the original roles.
        started = Date()
        let back = try rampart(["db", "promote", "db1", "-i", inventory, SiteLabChecks.site, "--yes"])
        print(String(format: "db promote db1 (switchover + apply): %.1f s", Date().timeIntervalSince(started)))
        #expect(back.status == 0, "promote db1 failed:\n\(back.stdout)\n\(back.stderr)")
        let editedBack = try String(contentsOfFile: inventory, encoding: .utf8)
        #expect(editedBack.contains("db_primary:    { hosts: [db1] }") && editedBack.contains("db_replicas:   { hosts: [db2] }"), "\(editedBack)")
        try roles(primary: "db1", replica: "db2")
        let onDB1 = try app(ca, note: "promoted-back")
        #expect(onDB1.contains("database: db1") && onDB1.contains("after-promote"), "\(onDB1)")
        #expect(try arrives("promoted-back", on: "db2"), "the note written on db1 did not reach db2")
        let converged = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--detailed-exitcode"])
        #expect(converged.status == 0, "the repository's inventory should match again:\n\(converged.stdout)")

        // Promoting the primary itself is refused before anything happens.
        let refusedPromote = try rampart(["db", "promote", "db1", "-i", inventory, SiteLabChecks.site, "--yes"])
        #expect(refusedPromote.status == 1 && refusedPromote.stderr.contains("db1 is not a replica"), "\(refusedPromote.stderr)")
    }
}
