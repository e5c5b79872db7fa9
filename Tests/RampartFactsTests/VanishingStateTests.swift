import Foundation
import RampartBasics
import RampartFacts
import RampartModel
import RampartTestSupport
import Testing

/// Things that disappear while the probe looks at them are absent, never a failed host: the
/// real probe script, run by the local `sh`, with a tool wrapped in a function that deletes the file first.
final class VanishingStateTests: Sendable {
    let folder: String
    let file: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-vanish-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        file = folder + "/app.conf"
        try "old\n".write(toFile: file, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var batch: ProbeBatch {
        ProbeBatch(catalog: HostCatalog(host: "h1", address: "127.0.0.1", resources: [
            Resource(.file(FileResource(file, source: .content(SensitiveText("new\n"))))),
        ]))
    }

    /// Runs the batch script with `tool` (a command the probe runs) wrapped in a shell function
    /// that removes the file first, then runs the real tool.
    func probe(removingBefore tool: String?) throws -> (facts: HostFacts, status: Int32, output: String) {
        let wrapper = tool.map { "\($0)() { rm -f '\(file)'; command \($0) \"$@\"; }\n" } ?? ""
        let (output, status) = LocalShell.run(wrapper + batch.script)
        return (batch.parse(output), status, output)
    }

    @Test func aFileThatStaysIsSeenWithItsHashAndOldContent() throws {
        let (facts, status, _) = try probe(removingBefore: nil)
        #expect(status == 0)
        let fact = try #require(facts.files[file])
        #expect(fact.kind == .regular && fact.sha256 == sha256Hex(Array("old\n".utf8)))
        #expect(fact.content == Array("old\n".utf8))
    }

    @Test func aFileGoneBeforeItsHashIsAbsent() throws {
        let (facts, status, output) = try probe(removingBefore: "sha256sum")
        #expect(status == 0)
        #expect(output.contains("S|f|"), "find saw the file first: \(output)")
        #expect(facts.files[file] == nil, "vanished between find and sha256sum: absent, not a file of unknown content")
    }

    @Test func aFileGoneBeforeItsContentIsReadHasNoMadeUpContent() throws {
        let (facts, status, output) = try probe(removingBefore: "base64")
        #expect(status == 0)
        #expect(!output.contains("C|"), "no empty old content: \(output)")
        #expect(facts.files[file]?.content == nil)
    }
}
