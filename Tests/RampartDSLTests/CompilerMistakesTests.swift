import Foundation
import Testing

/// Mistakes in a Swift site that the compiler refuses, each a small file under
/// Fixtures/mistakes/ whose `// expect:` line is part of the compiler's message. The files are
/// compiled as a user's package would compile them: against the built RampartDSL module
/// (`-emit-sil`, which also runs the checks of literals, such as a port above 65535).
struct CompilerMistakesTests {
    static let folder = repository.appendingPathComponent("Tests/RampartDSLTests/Fixtures/mistakes")
    static let mistakes = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".swift") && $0 != "correct.swift" }.sorted()

    /// The folder holding the built modules: beside the test bundle (`.build/debug/Modules`).
    static var modules: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("Modules")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("RampartDSL.swiftmodule").path) { return candidate.path }
            folder.deleteLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/Modules").path
    }

    static func compile(_ name: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // CLibCrypt's module map: RampartTemplates, below RampartDSL, imports it.
        process.arguments = ["swiftc", "-emit-sil", "-o", "/dev/null", "-I", modules,
                             "-I", repository.appendingPathComponent("Sources/CLibCrypt").path, folder.appendingPathComponent(name).path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theCorpusHasAtLeastFifteenMistakes() {
        #expect(Self.mistakes.count >= 15)
    }

    /// Without this, every mistake could "fail to compile" for want of the module.
    @Test func aSiteWithoutMistakesCompiles() throws {
        let result = try Self.compile("correct.swift")
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(arguments: mistakes)
    func mistakeDoesNotCompile(file: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
        let expected = text.split(separator: "\n").compactMap { line in
            line.hasPrefix("// expect: ") ? String(line.dropFirst("// expect: ".count)) : nil
        }
        #expect(!expected.isEmpty, "\(file) has no `// expect:` line")
        let result = try Self.compile(file)
        #expect(result.status != 0, "\(file) compiled")
        for message in expected {
            #expect(result.output.contains("error: " + message) || result.output.contains(message), "\(file): \(result.output)")
        }
        // The error points into the file, at a line of its own (file:line:col).
        #expect(result.output.contains(file + ":"), "\(result.output)")
    }
}
