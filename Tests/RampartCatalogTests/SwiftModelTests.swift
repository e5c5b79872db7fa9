import Foundation
import Rampart
import Testing

/// The same project built in Swift: what a user's own package that depends on `Rampart` writes.
enum BaselineInSwift {
    static let playbook = Playbook("baseline", roles: {
        Role("common", summary: "Baseline for every server — admin tools, an ops account, kernel settings, a banner.",
             defaults: ["ops_user": .string("ops"), "somaxconn": .int(4096), "motd_banner": .string("managed by Rampart")]) {
            Package("curl")
            Package("less")
            Package("cron")
            UnixGroup("ops", system: true)
            User("{{ ops_user }}", group: "ops", home: "/home/{{ ops_user }}", shell: "/bin/bash").requires(.group("ops"))
            Directory("/etc/rampart", mode: "0755")
            File("/etc/rampart/host.json", content: "{{ host|to_json }}\n", mode: "0644")
            File("/etc/motd", template: "common/motd.j2", mode: "0644")
            Symlink("/etc/rampart/motd", target: "/etc/motd")
            Sysctl("net.core.somaxconn", value: "{{ somaxconn }}")
            Service("cron").requires(.package("cron"))
            Run("record first apply", run: "date -u +%Y-%m-%dT%H:%M:%SZ > /etc/rampart/first-apply",
                             creates: "/etc/rampart/first-apply").requires(.directory("/etc/rampart"))
        }
    }) {
        Play("baseline", hosts: "all") {
            RoleUse("common", parameters: ["motd_banner": .string("{{ inventory_hostname }}: managed by Rampart, local changes are reverted")])
        }
    }

    static let labInventory: Inventory = {
        var inventory = Inventory(
        connection: ConnectionSettings(user: "deploy", key: "/var/lib/rampart-lab/id_ed25519",
                                       knownHosts: "/var/lib/rampart-lab/known_hosts", hostKeyChecking: "strict",
                                       connectTimeout: 10, bootstrapUser: "root"),
        // The last three from the lab's vault file (inventories/lab/group_vars/all/vault.yml);
        // the lab's passwords are not secret, so the test may spell them out.
        vars: ["apt_proxy": .string("http://10.231.77.1:8888"), "site_domain": .string("www.foobar.com"),
               "admin_network": .string("10.231.77.1/32"), "scrape_interval": .string("5s"),
               "replication_password": .secret(Secret("lab-repl-9f3c")), "app_db_password": .secret(Secret("lab-app-41d7")),
               "exporter_db_password": .secret(Secret("lab-exp-7c2e"))]
    ) {
        Host("lb1", address: "10.231.77.10")
        Host("web1", address: "10.231.77.11")
        Host("web2", address: "10.231.77.12")
        Host("db1", address: "10.231.77.21", vars: ["server_id": .int(1)])
        Host("db2", address: "10.231.77.22", vars: ["server_id": .int(2)])
        Host("mon1", address: "10.231.77.30")
    } groups: {
        Group("loadbalancers", hosts: ["lb1"])
        Group("webservers", hosts: ["web1", "web2"])
        Group("databases", children: ["db_primary", "db_replicas"])
        Group("db_primary", hosts: ["db1"])
        Group("db_replicas", hosts: ["db2"])
        Group("monitoring", hosts: ["mon1"])
        Group("acme")
    }
        inventory.vaultPasswordFile = repository.appendingPathComponent("inventories/lab.vault-password").path
        return inventory
    }()
}

struct SwiftModelTests {
    static func loadedBaseline() throws -> Project {
        try Project.load(inventory: repository.appendingPathComponent("inventories/lab.yml").path,
                         playbook: repository.appendingPathComponent("playbooks/baseline.yml").path)
    }

    @Test func swiftBuiltPlaybookEqualsTheYAMLOne() throws {
        let project = try Self.loadedBaseline()
        #expect(project.playbook == BaselineInSwift.playbook)
        #expect(project.inventory == BaselineInSwift.labInventory)
    }

    @Test func swiftBuiltProjectCompilesToTheSameCatalog() throws {
        let loaded = try Self.loadedBaseline()
        let built = Project(inventory: BaselineInSwift.labInventory, playbook: BaselineInSwift.playbook, templates: loaded.templates)
        let fromYAML = try loaded.compile()
        #expect(try built.compile() == fromYAML)
        #expect(fromYAML.hosts.count == 6)
        #expect(fromYAML.hosts.allSatisfy { $0.resources.count == 12 })
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
        let playbook = Playbook("p", roles: {
            Role("r") {
                Service("nginx").requires(.file("/etc/nginx/nginx.conf"))
                File("/etc/nginx/nginx.conf", content: "events {}\n")
                Package("nginx")
            }
        }) { Play("p", hosts: "all") { RoleUse("r") } }
        let inventory = Inventory(hosts: [Host("h", address: "10.0.0.1")])
        let catalog = try Project(inventory: inventory, playbook: playbook, templates: TemplateLibrary(root: "templates", files: [:])).compile()
        #expect(catalog["h"]?.resources.map(\.id.description) == ["file:/etc/nginx/nginx.conf", "service:nginx", "package:nginx"])
    }

    @Test func crossHostOrderComesFromPlays() throws {
        let playbook = Playbook("p", roles: { Role("r") { Package("curl") } }) {
            Play("db", hosts: "databases") { RoleUse("r") }
            Play("web", hosts: "webservers", after: ["db"]) { RoleUse("r") }
            Play("lb", hosts: "loadbalancers", after: ["web"]) { RoleUse("r") }
        }
        let catalog = try Project(inventory: BaselineInSwift.labInventory, playbook: playbook,
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
