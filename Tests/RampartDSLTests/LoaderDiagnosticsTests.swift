import Foundation
import Rampart
import RampartDSL
import Testing

/// What the compiler cannot see — a mode, a condition, a role parameter nobody set — is checked
/// by the YAML loader's own rules, and each problem is reported at the Swift file:line:col.
struct LoaderDiagnosticsTests {
    @Test func problemsPointIntoTheSwiftSource() throws {
        let host = RampartDSL.Host("h1", address: "10.0.0.1")
        let modeLine = #line + 2
        let role = Role("broken", required: ["nobody_sets_this"]) {
            Directory("/srv/data", mode: "0999")
            Package("curl").when("facts.os.family ==")
        }
        let conditionLine = modeLine + 1
        let site = Site("broken", inventory: RampartDSL.Inventory("test", hosts: [host]), root: repository.path) {
            Play("all", hosts: host, roles: [role])
        }
        let file = URL(fileURLWithPath: #filePath).lastPathComponent
        do {
            let project = try site.load()
            _ = try project.compile(offline: true)
            Issue.record("a broken site loaded and compiled")
        } catch let error as DiagnosticError {
            let text = error.description
            #expect(text.contains("\(file):\(modeLine):"), "mode error at the Directory's line: \(text)")
            #expect(text.contains("0999"), "\(text)")
            #expect(text.contains("\(file):\(conditionLine):"), "condition error at the Package's line: \(text)")
        }
    }

    @Test func aSwiftRequiredParameterLeftUnsetIsNamedAtThePlay() throws {
        let host = RampartDSL.Host("h1", address: "10.0.0.1")
        let role = Role("needs", required: ["app_port"]) { Package("curl") }
        let playLine = #line + 2
        let site = Site("needs", inventory: RampartDSL.Inventory("test", hosts: [host]), root: repository.path) {
            Play("all", hosts: host, roles: [role])
        }
        let file = URL(fileURLWithPath: #filePath).lastPathComponent
        #expect(throws: DiagnosticError.self) { _ = try site.load().compile(offline: true) }
        do { _ = try site.load().compile(offline: true) } catch let error as DiagnosticError {
            #expect(error.description.contains("app_port"), "\(error.description)")
            #expect(error.description.contains("\(file):\(playLine):") || error.description.contains(file), "\(error.description)")
        }
    }
}
