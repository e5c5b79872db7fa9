import Foundation
import Rampart
import Testing

struct PlanSecretsTests {
    let secret = Secret("db-pass-planted-5150")

    func catalog() -> HostCatalog {
        let content = SensitiveText([.plain("[client]\npassword="), .secret(secret), .plain("\n")])
        return HostCatalog(host: "h1", address: "10.0.0.1", resources: [
            Resource(.file(FileResource("/etc/app/db.cnf", source: .rendered(template: "db.cnf.j2", text: content), mode: "0600"))),
        ])
    }

    @Test func sensitiveContentIsNeverInThePlan() throws {
        var facts = HostFacts(host: "h1")
        facts.files["/etc/app/db.cnf"] = FileFact(kind: .regular, owner: "root", group: "root", mode: "0600", size: 10, sha256: "old")
        let (plan, diagnostics) = HostPlanner.plan(catalog: catalog(), facts: facts)
        #expect(diagnostics.isEmpty)
        let step = try #require(plan.steps.first)
        #expect(step.diff == "(sensitive content changed)")
        guard case .sensitive(let hash, let path)? = step.payload else { Issue.record("payload should be a hash"); return }
        #expect(path == "/etc/app/db.cnf")
        #expect(hash == sha256Hex(Array("[client]\npassword=db-pass-planted-5150\n".utf8)))
        let json = String(decoding: try JSONEncoder().encode(Plan(inventory: "i", playbook: "p", hosts: [plan])), as: UTF8.self)
        #expect(!json.contains("db-pass-planted") && !step.script.contains("db-pass-planted"))
    }

    @Test func aNewSensitiveFileShowsOnlyItsSize() throws {
        let (plan, _) = HostPlanner.plan(catalog: catalog(), facts: HostFacts(host: "h1"))
        #expect(plan.steps.first?.diff == "(sensitive content: 39 bytes)")
    }

    @Test func theFactsProbeNeverCarriesTheSecretOrItsHash() {
        let script = ProbeBatch(catalog: catalog()).script
        #expect(!script.contains("db-pass-planted"))
        #expect(!script.contains(sha256Hex(Array("[client]\npassword=db-pass-planted-5150\n".utf8))))
    }
}

struct UnifiedDiffTests {
    @Test func hunksWithContextLikeDiffU() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[1] = "line two"
        lines[17] = "line eighteen"
        lines.append("line 21")
        let new = lines.joined(separator: "\n") + "\n"
        let diff = UnifiedDiff.make(old: old, new: new, path: "/f")
        #expect(diff == """
        --- /f
        +++ /f
        @@ -1,5 +1,5 @@
         line 1
        -line 2
        +line two
         line 3
         line 4
         line 5
        @@ -15,6 +15,7 @@
         line 15
         line 16
         line 17
        -line 18
        +line eighteen
         line 19
         line 20
        +line 21

        """)
        #expect(UnifiedDiff.make(old: "same\n", new: "same\n", path: "/f") == "")
    }
}

struct OfflineBaselineTests {
    @Test func freshDebianFactsAreAssumedAndKnowTheBaseSystem() {
        let catalog = HostCatalog(host: "h1", address: "10.0.0.1", resources: [
            Resource(.package(PackageResource("openssh-server"))), Resource(.package(PackageResource("nginx"))),
            Resource(.service(ServiceResource("ssh"))), Resource(.user(UserResource("www-data"))),
        ])
        let facts = HostFacts.freshDebian12(for: catalog)
        #expect(facts.assumed)
        #expect(facts.packages["openssh-server"]?.installed == true && facts.packages["nginx"] == nil)
        #expect(facts.services["ssh"]?.running == true)
        #expect(facts.users["www-data"]?.uid == 33)
        let (plan, diagnostics) = HostPlanner.plan(catalog: catalog, facts: facts)
        #expect(diagnostics.isEmpty)
        #expect(plan.assumed)
        #expect(plan.steps.map(\.summary) == ["install nginx"])
    }
}

struct MySQLSecretsTests {
    @Test func aPasswordTravelsOnlyInTheInMemoryPayload() throws {
        let password = SensitiveText(secret: Secret("db-planted-7e1"))
        let catalog = HostCatalog(host: "db1", address: "10.0.0.21", resources: [
            Resource(.mysqlUser(MySQLUserResource("app", host: "10.0.0.%", password: password, privileges: ["app.*: SELECT"]))),
        ])
        var facts = HostFacts(host: "db1")
        facts.mysql = MySQLFacts()
        let (plan, diagnostics, payloads) = HostPlanner.planWithPayloads(catalog: catalog, facts: facts)
        #expect(diagnostics.isEmpty)
        let step = try #require(plan.steps.first)
        guard case .sensitive(let hash, let key)? = step.payload else { Issue.record("the SQL should be a sensitive payload"); return }
        let sql = String(decoding: try #require(payloads[key]), as: UTF8.self)
        #expect(sql.contains("IDENTIFIED BY 'db-planted-7e1'") && sha256Hex(Array(sql.utf8)) == hash)
        let json = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        #expect(!json.contains("db-planted") && !step.script.contains("db-planted") && step.diff == nil)
        #expect(!ProbeBatch(catalog: catalog).script.contains("db-planted"))
    }

    @Test func nativePasswordHashMatchesMariaDB() {
        // What `SELECT PASSWORD('app-pass')` returns on Debian 12's MariaDB 10.11 (checked on a lab host).
        #expect(MySQLPasswordHash.hash("app-pass") == "*3F57C84FDE4BBAB2C998F3A2D311684280BAE8E7")
    }
}

/// The file step's real shell script, run here with its content cut short (as when Rampart is
/// killed mid-transfer): the target keeps its old bytes and no temp file stays behind.
struct InterruptedWriteTests {
    @Test func aTruncatedTransferNeverReplacesTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-cut-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/app.conf"
        try "old content\n".write(toFile: path, atomically: true, encoding: .utf8)
        let new = String(repeating: "new line of configuration\n", count: 400)
        let catalog = HostCatalog(host: "h1", address: "10.0.0.1", resources: [
            Resource(.file(FileResource(path, source: .rendered(template: "app.conf.j2", text: SensitiveText([.plain(new)]))))),
        ])
        var facts = HostFacts(host: "h1")
        facts.files[path] = FileFact(kind: .regular, owner: "root", group: "root", mode: "0644", size: 12, sha256: sha256Hex(Array("old content\n".utf8)))
        let step = try #require(HostPlanner.plan(catalog: catalog, facts: facts).0.steps.first)

        func run(_ stdin: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", step.script]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try run(String(new.prefix(4000))) != 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["app.conf"])
        // The whole content goes in.
        #expect(try run(new) == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == new)
    }
}
