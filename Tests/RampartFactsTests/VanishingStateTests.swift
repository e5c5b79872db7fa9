import Foundation
import RampartBasics
import RampartCatalog
import RampartFacts
import RampartModel
import Testing

/// Things that disappear while the probe looks at them are absent, never a failed host: the
/// real probe script, run by the local `sh`, with a tool on PATH that deletes the file first.
final class VanishingStateTests: Sendable {
    let folder: String
    let file: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-vanish-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        file = folder + "/app.conf"
        try "old\n".write(toFile: file, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var batch: ProbeBatch {
        ProbeBatch(catalog: HostCatalog(host: "h1", address: "127.0.0.1", resources: [
            Resource(.file(FileResource(file, source: .content(SensitiveText("new\n"))))),
        ]))
    }

    /// Runs the batch script with `shim` (a tool name) replaced by one that removes the file, then runs the real tool.
    func probe(removingBefore shim: String?) throws -> (facts: HostFacts, status: Int32, output: String) {
        var path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        if let shim {
            let tool = folder + "/bin/" + shim
            try "#!/bin/sh\nrm -f \(file)\nexec /usr/bin/\(shim) \"$@\"\n".write(toFile: tool, atomically: true, encoding: .utf8)
            chmod(tool, 0o755)
            path = folder + "/bin:" + path
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", batch.script]
        process.environment = ["PATH": path, "LC_ALL": "C"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        return (batch.parse(output), process.terminationStatus, output)
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
