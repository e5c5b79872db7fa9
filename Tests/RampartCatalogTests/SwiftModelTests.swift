import Foundation
import Rampart
import Testing

/// The catalog's order and rendering, from the baseline playbook and from model values built
/// in code (the Swift site's own tests are in RampartDSLTests).
struct SwiftModelTests {
    static func loadedBaseline() throws -> Project {
        try Project.load(inventory: repository.appendingPathComponent("inventories/lab.yml").path,
                         playbook: repository.appendingPathComponent("playbooks/baseline.yml").path)
    }

    @Test func baselineCompilesForEveryHost() throws {
        let catalog = try Self.loadedBaseline().compile()
        #expect(catalog.hosts.count == 6)
        #expect(catalog.hosts.allSatisfy { $0.resources.count == 12 })
    }

    @Test func catalogKeepsDeclarationOrderAndRendersFields() throws {
        let catalog = try Self.loadedBaseline().compile()
        let web1 = try #require(catalog["web1"])
        #expect(web1.resources.map(\.id.description) == [
            "package:curl", "package:less", "package:cron", "group:ops", "user:ops", "directory:/etc/rampart", "file:/etc/rampart/host.json",
            "file:/etc/motd", "symlink:/etc/rampart/motd", "sysctl:net.core.somaxconn", "service:cron", "command:record first apply",
        ])
        guard case .user(let ops) = try #require(web1.resource(.user("ops"))).spec else { Issue.record("not a user"); return }
        #expect(ops.home == "/home/ops")
        guard case .sysctl(let sysctl) = try #require(web1.resource(ResourceID(.sysctl, "net.core.somaxconn"))).spec else { return }
        #expect(sysctl.value == "4096")
    }

    @Test func requiresReordersAgainstDeclarationOrder() throws {
        let playbook = Playbook("p", plays: [Play("p", hosts: "all", roles: [RoleUse("r")])], roles: [
            Role("r", resources: [
                .service("nginx").requires(.file("/etc/nginx/nginx.conf")),
                .file("/etc/nginx/nginx.conf", content: "events {}\n"),
                .package("nginx"),
            ]),
        ])
        let inventory = Inventory(hosts: [Host("h", address: "10.0.0.1")])
        let catalog = try Project(inventory: inventory, playbook: playbook, templates: TemplateLibrary(root: "templates", files: [:])).compile()
        #expect(catalog["h"]?.resources.map(\.id.description) == ["file:/etc/nginx/nginx.conf", "service:nginx", "package:nginx"])
    }

    @Test func crossHostOrderComesFromPlays() throws {
        let playbook = Playbook("p", plays: [
            Play("db", hosts: "databases", roles: [RoleUse("r")]),
            Play("web", hosts: "webservers", roles: [RoleUse("r")], after: ["db"]),
            Play("lb", hosts: "loadbalancers", roles: [RoleUse("r")], after: ["web"]),
        ], roles: [Role("r", resources: [.package("curl")])])
        let catalog = try Project(inventory: try Self.loadedBaseline().inventory, playbook: playbook,
                                  templates: TemplateLibrary(root: "templates", files: [:])).compile()
        #expect(catalog["web1"]?.waitsFor == ["db1", "db2"])
        #expect(catalog["lb1"]?.waitsFor == ["web1", "web2"])
        #expect(catalog["db1"]?.waitsFor == [])
        #expect(catalog["mon1"] == nil)
    }
}

/// Rendered examples compared byte for byte with files under `Fixtures/golden/`.
struct GoldenRenderingTests {
    @Test(arguments: ["web1", "mon1"])
    func baselineFilesMatchGolden(host: String) throws {
        let catalog = try SwiftModelTests.loadedBaseline().compile()
        let hostCatalog = try #require(catalog[host])
        for (path, golden) in [("/etc/motd", "motd"), ("/etc/rampart/host.json", "host.json")] {
            guard case .file(let file) = try #require(hostCatalog.resource(.file(path))).spec else { return }
            let text = try #require(file.content).revealed()
            let url = fixtures.appendingPathComponent("golden/\(host).\(golden)")
            if ProcessInfo.processInfo.environment["RAMPART_RECORD_FIXTURES"] == "1", !FileManager.default.fileExists(atPath: url.path) {
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
            #expect(text == (try String(contentsOf: url, encoding: .utf8)), "\(host) \(path)")
        }
    }

    @Test func renderingIsDeterministicAcrossCompiles() throws {
        let project = try SwiftModelTests.loadedBaseline()
        let first = try project.compile()
        for _ in 0..<5 { #expect(try project.compile() == first) }
    }
}

/// The database server config in both flavors: MariaDB 10.11 (Debian 12) and MySQL 8 (Ubuntu):
/// the role-independent server file, and the role file for the primary and a replica.
struct DatabaseConfigRenderingTests {
    @Test(arguments: [("mariadb", "server"), ("mysql8", "server"), ("mariadb", "primary"), ("mariadb", "replica"),
                      ("mysql8", "primary"), ("mysql8", "replica")])
    func configMatchesGolden(flavor: String, role: String) throws {
        let library = try TemplateLibrary.load(directory: repository.appendingPathComponent("templates").path)
        let variables: [String: Value] = [
            "inventory_hostname": .string(role == "replica" ? "db2" : "db1"), "db_role": .string(role),
            "mysql_flavor": .string(flavor), "server_id": .int(role == "replica" ? 2 : 1), "gtid_domain_id": .int(0),
            "bind_address": .string(role == "replica" ? "10.0.0.22" : "10.0.0.21"), "binlog_dir": .string("/var/log/mysql"),
            "tls_dir": .string("/etc/mysql/tls"),
        ]
        let template = role == "server" ? "db/server.cnf.j2" : "db/role.cnf.j2"
        let text = try TemplateRenderer(library: library).render(file: template, variables: variables).revealed()
        let url = fixtures.appendingPathComponent(role == "server" ? "golden/server-\(flavor).cnf" : "golden/role-\(flavor)-\(role).cnf")
        if ProcessInfo.processInfo.environment["RAMPART_RECORD_FIXTURES"] == "1", !FileManager.default.fileExists(atPath: url.path) {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: url, encoding: .utf8)))
    }
}
