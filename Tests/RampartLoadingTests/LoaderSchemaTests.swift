import Foundation
import RampartBasics
@testable import RampartLoading
import RampartTestSupport
import Testing

/// The JSON Schema (`rampart schema`) against the loader, judged by a validator that is not
/// Rampart's — Debian's python3-jsonschema, reading YAML as an editor does (Fixtures/schema/check.py):
/// every inventory, playbook and role file of this repository the loader accepts, the schema
/// accepts; every invalid fixture whose fault is in one file's shape (an unknown key, a wrong
/// type, a value out of range, a missing field), both refuse. Faults that need more than a file's
/// shape — references, templates, conditions, variables — are the loader's alone.
struct LoaderSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema/check.py").path

    /// Invalid fixtures a schema must refuse too (folder under RampartCatalogTests/Fixtures/invalid,
    /// or an inventory under Fixtures/invalid here).
    static let shapeFaults = ["apt-repository-fields", "assert-fields", "bad-reference", "file-mode-unquoted", "firewall-bad-port",
                              "playbook-unknown-key", "plays-not-a-list", "resource-no-kind", "resource-unknown-field",
                              "resource-wrong-type", "ssh-keypair-fields", "when-syntax"]
    static let inventoryShapeFaults = ["bad-policy", "bad-port", "missing-hosts", "not-a-mapping", "syntax", "unknown-key"]

    /// The checker's verdict for each (document, path): "ok" or "no: why".
    static func verdicts(_ files: [(LoaderSchema.Document, String)]) throws -> [String: String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-schema-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for document in LoaderSchema.Document.allCases {
            try LoaderSchema.json(document).write(toFile: folder + "/" + document.fileName, atomically: true, encoding: .utf8)
        }
        let input = files.map { "\($0.0.rawValue)\t\($0.1)" }.joined(separator: "\n")
        let (output, status) = LocalShell.run("/usr/bin/python3 '\(checker)' '\(folder)' <<'RAMPART_EOF'\n\(input)\nRAMPART_EOF\n")
        try #require(status == 0, "the checker needs Debian's python3-jsonschema and python3-yaml (scripts/install-deps): \(output)")
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        try #require(result.count == files.count, "the checker answered \(result.count) of \(files.count)")
        return result
    }

    static func files(under folder: String, _ predicate: (String) -> Bool) -> [String] {
        let root = repository.appendingPathComponent(folder).path
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".yml") && predicate($0) }.map { root + "/" + $0 }.sorted()
    }

    @Test func everyKeyTheLoaderAllowsIsTyped() {
        for document in LoaderSchema.Document.allCases {
            #expect(!LoaderSchema.json(document).contains(LoaderSchema.untypedMarker), "\(document): a key the loader allows has no type")
        }
        // Each kind's reader was asked: its fields' types come from running it.
        #expect(ResourceReader.fieldTypes(of: .service)["enabled"] == .nullableBoolean)
        #expect(ResourceReader.fieldTypes(of: .sshKeypair)["bits"] == .integer(1...65536))
        #expect(ResourceReader.fieldTypes(of: .mount)["state"] == .choice(["mounted", "present", "unmounted", "absent"]))
    }

    @Test func theCommittedCopiesAreCurrent() throws {
        // docs/schema/ is what this repository's own YAML files name on their first line.
        for document in LoaderSchema.Document.allCases {
            let committed = try String(contentsOf: Self.repository.appendingPathComponent("docs/schema/" + document.fileName), encoding: .utf8)
            #expect(committed == LoaderSchema.json(document), "docs/schema/\(document.fileName) is stale: run `rampart schema --write docs/schema`")
        }
    }

    @Test func whatTheLoaderAcceptsTheSchemaAccepts() throws {
        var files: [(LoaderSchema.Document, String)] = []
        let inventories = Self.files(under: "inventories") { !$0.contains("/") }
            + Self.files(under: "Tests") { $0.contains("Fixtures/") && !$0.contains("/invalid/") && ($0.hasSuffix("inventory.yml") || $0.hasSuffix("/own.yml")) }
        for path in inventories where (try? InventoryLoader(environment: ["RAMPART_TEST_SECRET": "x"]).load(path: path)) != nil {
            files.append((.inventory, path))
        }
        let playbooks = Self.files(under: "playbooks") { !$0.contains("/") }
            + Self.files(under: "Tests") { $0.contains("Fixtures/") && $0.contains("playbooks/") && !$0.contains("/roles/") && !$0.contains("RampartPlanTests") }
        var roles: Set<String> = []
        for path in playbooks {
            guard let playbook = try? PlaybookLoader().load(path: path) else { continue }
            files.append((.playbook, path))
            let folder = (path as NSString).deletingLastPathComponent + "/roles/"
            for name in playbook.roles.keys where FileManager.default.fileExists(atPath: folder + name + ".yml") { roles.insert(folder + name + ".yml") }
        }
        files += roles.sorted().map { (.role, $0) }
        #expect(files.filter { $0.0 == .inventory }.count >= 5 && files.filter { $0.0 == .playbook }.count >= 10 && roles.count >= 14)
        let verdicts = try Self.verdicts(files)
        for (document, path) in files {
            #expect(verdicts[path] == "ok", "the loader accepts this \(document.rawValue), the schema does not: \(path): \(verdicts[path] ?? "?")")
        }
    }

    @Test func whatHasTheWrongShapeBothRefuse() throws {
        let catalogFixtures = Self.repository.appendingPathComponent("Tests/RampartCatalogTests/Fixtures/invalid").path
        var files: [(LoaderSchema.Document, String)] = []
        var byFixture: [String: [String]] = [:]
        for name in Self.shapeFaults {
            let folder = catalogFixtures + "/" + name
            #expect(throws: DiagnosticError.self, "the loader accepts \(name)") { _ = try PlaybookLoader().load(path: folder + "/playbooks/play.yml") }
            var paths = [(LoaderSchema.Document.playbook, folder + "/playbooks/play.yml")]
            let roles = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/playbooks/roles")) ?? []
            paths += roles.filter { $0.hasSuffix(".yml") }.map { (.role, folder + "/playbooks/roles/" + $0) }
            files += paths
            byFixture[name] = paths.map(\.1)
        }
        let inventories = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/invalid").path
        for name in Self.inventoryShapeFaults {
            let path = inventories + "/" + name + ".yml"
            #expect(throws: DiagnosticError.self, "the loader accepts \(name)") { _ = try InventoryLoader().load(path: path) }
            files.append((.inventory, path))
            byFixture[name] = [path]
        }
        let verdicts = try Self.verdicts(files)
        for (name, paths) in byFixture.sorted(by: { $0.key < $1.key }) {
            #expect(paths.contains { verdicts[$0]?.hasPrefix("no: ") == true }, "the schema accepts \(name), which the loader refuses")
        }
    }
}
