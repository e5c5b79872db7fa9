import Foundation
import Rampart
import Testing

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A secret planted in the fixtures' environment: no diagnostic may ever contain it.
let plantedSecret = "planted-secret-4711"
let fixtureEnvironment = ["RAMPART_TEST_SECRET": plantedSecret]

/// Invalid projects as data: each folder under `Fixtures/invalid/` holds `playbooks/play.yml`
/// (plus roles, templates, vars files, and `inventory.yml` unless the shared one fits) and
/// `expected`, the exact diagnostics `rampart validate` prints. Set RAMPART_RECORD_FIXTURES=1
/// to write missing `expected` files (then read them before committing).
struct InvalidProjectTests {
    static let cases: [String] = {
        let folder = fixtures.appendingPathComponent("invalid")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }()

    static func diagnostics(of name: String) -> String {
        let folder = fixtures.appendingPathComponent("invalid/\(name)")
        let own = folder.appendingPathComponent("inventory.yml").path
        let inventory = FileManager.default.fileExists(atPath: own) ? own : fixtures.appendingPathComponent("shared/inventory.yml").path
        do {
            let project = try Project.load(inventory: inventory, playbook: folder.appendingPathComponent("playbooks/play.yml").path,
                                           vault: VaultPassword(Secret("fixture-password")), environment: fixtureEnvironment)
            _ = try project.compile()
            return "(no error)\n"
        } catch let error as DiagnosticError {
            return error.description.replacingOccurrences(of: folder.path + "/", with: "")
                .replacingOccurrences(of: fixtures.path + "/", with: "") + "\n"
        } catch {
            return "unexpected error type: \(error)\n"
        }
    }

    @Test func thereAreAtLeastThirtyInvalidInputsAcrossLoaderAndCatalog() {
        let inventoryCases = ((try? FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("Tests/RampartLoadingTests/Fixtures/invalid").path)) ?? [])
            .filter { $0.hasSuffix(".yml") }.count
        #expect(Self.cases.count + inventoryCases >= 30)
    }

    @Test(arguments: cases)
    func diagnosticsMatchExpected(name: String) throws {
        let expectedURL = fixtures.appendingPathComponent("invalid/\(name)/expected")
        let actual = Self.diagnostics(of: name)
        if ProcessInfo.processInfo.environment["RAMPART_RECORD_FIXTURES"] == "1",
           !FileManager.default.fileExists(atPath: expectedURL.path) {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected)
        #expect(actual.contains("error:"))
        #expect(!actual.contains(plantedSecret))
    }
}
