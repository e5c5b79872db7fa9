import Foundation
import RampartBasics
@testable import RampartLoading
import RampartModel
import Testing

struct VariablePrecedenceTests {
    static let environment = ["RAMPART_TEST_TOKEN": "env-token-0099"]
    static let path = fixtures.appendingPathComponent("valid/vars/inventory.yml").path

    static func load() throws -> Inventory {
        try InventoryLoader(vault: VaultPassword(Secret("fixture-password")), environment: environment).load(path: path)
    }

    static func vars(_ inventory: Inventory, _ name: String) throws -> [String: Value] {
        let result = inventory.variables(for: try #require(inventory.host(named: name)))
        #expect(result.conflicts.isEmpty)
        return result.vars
    }

    @Test func hostBeatsChildGroupBeatsParentGroupBeatsAll() throws {
        let inventory = try Self.load()
        let web1 = try Self.vars(inventory, "web1"), web2 = try Self.vars(inventory, "web2"), db1 = try Self.vars(inventory, "db1")
        #expect(web1["port"] == .int(8443))                 // host, inline
        #expect(web2["port"] == .int(9443))                 // host, from host_vars/web2.yml
        #expect(web1["level"] == .string("webservers"))     // child group beats its parent `app`
        #expect(db1["level"] == .string("app"))             // parent group beats all
        #expect(web1["tier"] == .string("app"))             // group_vars/app/main.yml beats all's vars
        #expect(web1["ntp"] == .string("ntp.example"))      // group_vars/all.yml is the all level
        #expect(web1["scrape"] == .bool(true))              // an unrelated group adds what nobody else sets
        #expect(web2["scrape"] == nil)
    }

    @Test func vaultFileValuesAndEnvironmentValuesAreSecrets() throws {
        let inventory = try Self.load()
        let db1 = try Self.vars(inventory, "db1")
        guard case .secret(let password)? = db1["db_password"], case .secret(let token)? = db1["api_token"],
              case .secret(let ops)? = db1["users"]?["ops"] else {
            Issue.record("expected secrets, got \(db1)")
            return
        }
        #expect(password.withRevealed { $0 } == "vault-secret-0042")
        #expect(token.withRevealed { $0 } == "env-token-0099")
        #expect(ops.withRevealed { $0 } == "ops-secret")
        let printed = "\(db1) \(Value.map(db1)) \(String(describing: db1["users"]))"
        #expect(!printed.contains("vault-secret") && !printed.contains("env-token") && !printed.contains("ops-secret"))
        let json = String(decoding: try JSONEncoder().encode(db1), as: UTF8.self)
        #expect(json.contains("(sensitive)") && !json.contains("vault-secret") && !json.contains("env-token"))
    }

    @Test func aVaultFileWithoutAPasswordIsAClearError() throws {
        let error = #expect(throws: DiagnosticError.self) {
            try InventoryLoader(vault: nil, environment: Self.environment).load(path: Self.path)
        }
        #expect(error?.description.contains("group_vars/app/vault.yml:1:1: error: a vault password is needed") == true)
    }
}

struct VaultTests {
    let password = Secret("correct horse battery staple")
    let text = Data("db_password: hunter2-planted\n".utf8)

    @Test func roundTripAndFormat() throws {
        let sealed = try Vault.encrypt(text, password: password)
        let lines = String(decoding: sealed, as: UTF8.self).split(separator: "\n")
        #expect(lines.first == Substring(Vault.header))
        #expect(lines.dropFirst().allSatisfy { $0.count <= 76 })
        #expect(!String(decoding: sealed, as: UTF8.self).contains("hunter2"))
        #expect(try Vault.decrypt(sealed, password: password) == text)
        // A fresh salt and nonce every time: the same text never encrypts to the same bytes.
        #expect(try Vault.encrypt(text, password: password) != sealed)
    }

    @Test func wrongPasswordTamperingAndDamageAreDetected() throws {
        let sealed = try Vault.encrypt(text, password: password)
        #expect(throws: Vault.Failure.wrongPasswordOrChanged) { try Vault.decrypt(sealed, password: Secret("wrong")) }
        var body = String(decoding: sealed, as: UTF8.self).split(separator: "\n").map(String.init)
        var payload = Data(base64Encoded: body[1...].joined())!
        payload[payload.count - 20] ^= 0x01
        body = [body[0]] + payload.base64EncodedString(options: .lineLength76Characters).components(separatedBy: "\r\n")
        #expect(throws: Vault.Failure.wrongPasswordOrChanged) { try Vault.decrypt(Data(body.joined(separator: "\n").utf8), password: password) }
        let otherHeader = Data(String(decoding: sealed, as: UTF8.self).replacingOccurrences(of: "N=32768", with: "N=1024").utf8)
        #expect(throws: Vault.Failure.self) { try Vault.decrypt(otherHeader, password: password) }
        #expect(throws: Vault.Failure.notEncrypted) { try Vault.decrypt(text, password: password) }
        #expect(throws: Vault.Failure.emptyPassword) { try Vault.encrypt(text, password: Secret("")) }
        #expect(throws: Vault.Failure.self) { try Vault.decrypt(Data((Vault.header + "\nAAAA\n").utf8), password: password) }
    }

    @Test func passwordFileIsReadOnceAndTrimmed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vault-pass-\(getpid())")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let source = VaultPassword(environment: ["RAMPART_VAULT_PASSWORD_FILE": file.path])
        #expect(try source.get().withRevealed { $0 } == "from-file")
        try FileManager.default.removeItem(at: file)
        #expect(try source.get().withRevealed { $0 } == "from-file")   // cached for the run
        #expect(throws: DiagnosticError.self) { try VaultPassword(environment: [:]).get() }
    }
}

struct InventoryOwnFolderTests {
    @Test func ownVarsFolderAndVaultPasswordFile() throws {
        // No RAMPART_VAULT_PASSWORD_FILE: the inventory's own password file decrypts its vault.
        let inventory = try InventoryLoader(vault: nil, environment: [:])
            .load(path: fixtures.appendingPathComponent("valid/own/own.yml").path)
        let h1 = try #require(inventory.host(named: "h1"))
        let vars = inventory.variables(for: h1).vars
        #expect(vars["shared"] == .string("from the folder-wide group_vars"))
        guard case .secret(let token)? = vars["token"] else { Issue.record("token should be a secret: \(vars)"); return }
        #expect(token.withRevealed { $0 } == "own-vault-secret-31")
        #expect(inventory.vaultPasswordFile?.hasSuffix("valid/own/own.vault-password") == true)
    }
}
