import Foundation
import Rampart
import Testing

/// Known secrets planted in a vault file and the environment; every output of the offline
/// commands is searched for them. Runs the real `rampart` binary built beside the tests.
struct PlantedSecretTests {
    static let vaultSecret = "vault-planted-9c1e"
    static let envSecret = "env-planted-44aa"

    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rampart").path
    }

    /// A project in a temp folder: vault file, `!env` value, a template and fields using both.
    static func makeProject(brokenTemplate: Bool = false) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-secrets-\(UUID().uuidString)")
        let fm = FileManager.default
        for folder in ["inventories/group_vars/all", "playbooks/roles", "templates"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try """
        hosts:
          web1: { address: 10.0.0.11, vars: { api_token: !env RAMPART_PLANTED } }
          db1: { address: 10.0.0.21 }
        groups:
          webservers: { hosts: [web1] }
        """.write(to: root.appendingPathComponent("inventories/inv.yml"), atomically: true, encoding: .utf8)
        let vault = try Vault.encrypt(Data("db_password: \(vaultSecret)\n".utf8), password: Secret("pw"))
        try vault.write(to: root.appendingPathComponent("inventories/group_vars/all/vault.yml"))
        try "pw\n".write(to: root.appendingPathComponent("password"), atomically: true, encoding: .utf8)
        try """
        plays:
          - { name: web, hosts: webservers, roles: [app] }
        """.write(to: root.appendingPathComponent("playbooks/site.yml"), atomically: true, encoding: .utf8)
        try """
        resources:
          - file: /etc/app.cnf
            template: app.cnf.j2
            mode: "0600"
          - mysql_user: app
            host: "10.0.0.%"
            password: "{{ db_password }}"
        """.write(to: root.appendingPathComponent("playbooks/roles/app.yml"), atomically: true, encoding: .utf8)
        let template = brokenTemplate ? "password={{ db_password.field }}\ntoken={{ api_tokn }}\n" : "password={{ db_password }}\ntoken={{ api_token|to_json }}\n"
        try template.write(to: root.appendingPathComponent("templates/app.cnf.j2"), atomically: true, encoding: .utf8)
        return root
    }

    static func run(_ arguments: [String], in root: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["RAMPART_PLANTED"] = envSecret
        environment["RAMPART_VAULT_PASSWORD_FILE"] = root.appendingPathComponent("password").path
        process.environment = environment
        let out = root.appendingPathComponent("out-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }

    @Test func offlineCommandsNeverPrintPlantedSecrets() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("rampart binary not built at \(Self.binary)")
            return
        }
        let good = try Self.makeProject()
        let broken = try Self.makeProject(brokenTemplate: true)
        defer { try? FileManager.default.removeItem(at: good); try? FileManager.default.removeItem(at: broken) }
        let commands: [([String], URL, Int32)] = [
            (["validate", "-i", "inventories/inv.yml", "playbooks/site.yml"], good, 0),
            (["validate", "--json", "-i", "inventories/inv.yml", "playbooks/site.yml"], good, 0),
            (["validate", "-i", "inventories/inv.yml", "playbooks/site.yml"], broken, 1),
            (["validate", "--json", "-i", "inventories/inv.yml", "playbooks/site.yml"], broken, 1),
            (["inventory", "-i", "inventories/inv.yml"], good, 0),
            (["inventory", "-i", "inventories/inv.yml", "--json"], good, 0),
            (["inventory", "-i", "inventories/inv.yml", "--host", "web1"], good, 0),
        ]
        for (arguments, root, expectedStatus) in commands {
            let (status, output) = try Self.run(arguments, in: root)
            #expect(status == expectedStatus, "\(arguments): \(output)")
            #expect(!output.contains(Self.vaultSecret) && !output.contains(Self.envSecret), "\(arguments) leaked: \(output)")
            if arguments.first == "inventory" { #expect(output.contains("(sensitive)"), "\(arguments): \(output)") }
        }
        let (_, brokenOutput) = try Self.run(["validate", "-i", "inventories/inv.yml", "playbooks/site.yml"], in: broken)
        #expect(brokenOutput.contains("templates/app.cnf.j2:1:13: web1: error: undefined variable 'db_password.field'"))
        #expect(brokenOutput.contains("did you mean 'api_token'?"))
        // The vault file itself is ciphertext on disk.
        let onDisk = try String(contentsOf: good.appendingPathComponent("inventories/group_vars/all/vault.yml"), encoding: .utf8)
        #expect(!onDisk.contains(Self.vaultSecret))
    }

    @Test func renderedSecretsAreRedactedInTheCatalog() throws {
        let root = try Self.makeProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try Project.load(inventory: root.appendingPathComponent("inventories/inv.yml").path,
                                       playbook: root.appendingPathComponent("playbooks/site.yml").path,
                                       vault: VaultPassword(Secret("pw")), environment: ["RAMPART_PLANTED": Self.envSecret])
        let catalog = try project.compile()
        guard case .file(let file)? = catalog["web1"]?.resource(.file("/etc/app.cnf"))?.spec,
              case .mysqlUser(let user)? = catalog["web1"]?.resource(ResourceID(.mysqlUser, "app@10.0.0.%"))?.spec else {
            Issue.record("resources missing")
            return
        }
        #expect(file.content?.redacted == "password=(sensitive)\ntoken=\"(sensitive)\"\n")
        #expect(file.content?.revealed() == "password=\(Self.vaultSecret)\ntoken=\"\(Self.envSecret)\"\n")
        #expect(user.password?.redacted == "(sensitive)")
        let json = String(decoding: try JSONEncoder().encode(catalog), as: UTF8.self)
        #expect(!json.contains(Self.vaultSecret) && !json.contains(Self.envSecret))
        #expect(!"\(catalog)".contains(Self.vaultSecret) && !String(reflecting: catalog).contains(Self.envSecret))
    }
}
