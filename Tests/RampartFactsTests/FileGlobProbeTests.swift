import Foundation
import RampartBasics
@testable import RampartFacts
import RampartModel
import RampartTestSupport
import Testing

/// `facts.glob['GLOB']`: the real probe script run by the local `sh` over a folder made for it
/// — what the shell's glob matches, dot files skipped, links not followed, a glob that matches
/// nothing an empty list, and no glob able to run a command.
final class FileGlobProbeTests: Sendable {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-glob-\(UUID().uuidString)").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/cron.d", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: folder + "/cron.daily", withIntermediateDirectories: true)
        try "x\n".write(toFile: folder + "/crontab", atomically: true, encoding: .utf8)
        try "job\n".write(toFile: folder + "/cron.d/backup", atomically: true, encoding: .utf8)
        try "".write(toFile: folder + "/cron.d/.placeholder", atomically: true, encoding: .utf8)
        try "odd\n".write(toFile: folder + "/cron.d/it's $(touch pwned) here", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: folder + "/cron.d/link", withDestinationPath: "backup")
        try fm.setAttributes([.posixPermissions: 0o640], ofItemAtPath: folder + "/cron.d/backup")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func gather(_ globs: [String]) -> (HostFacts, Int32) {
        var catalog = HostCatalog(host: "h1", address: "127.0.0.1")
        catalog.factGlobs = globs.sorted()
        let batch = ProbeBatch(catalog: catalog)
        let (output, status) = LocalShell.run("cd \(Sh.q(folder)) && " + "{\n" + batch.script + "}")
        return (batch.parse(output), status)
    }

    @Test func whatTheShellsGlobMatches() throws {
        let (facts, status) = gather([folder + "/cron*", folder + "/cron.d/*", folder + "/nothing-*", folder + "/cron.[d]"])
        #expect(status == 0)
        let top = try #require(facts.foundFiles?[folder + "/cron*"])
        #expect(top.map(\.name) == ["cron.d", "cron.daily", "crontab"])
        #expect(top.map(\.type) == [.directory, .directory, .file])
        let inside = try #require(facts.foundFiles?[folder + "/cron.d/*"])
        #expect(inside.map(\.name) == ["backup", "it's $(touch pwned) here", "link"], "no dot files; a name with quotes and $( ) is data")
        #expect(inside[0].mode == "0640" && inside[0].size == 4 && inside[2].type == .link)
        #expect(facts.foundFiles?[folder + "/nothing-*"] == [], "matching nothing is an empty list")
        #expect(facts.foundFiles?[folder + "/cron.[d]"]?.map(\.name) == ["cron.d"], "a bracket expression of plain characters")
        #expect(!FileManager.default.fileExists(atPath: folder + "/pwned"))
    }

    @Test func aGlobNeverRunsACommand() throws {
        let (facts, status) = gather([folder + "/$(touch pwned)*", folder + "/`touch pwned`", folder + "/x';touch pwned;'*", folder + "/[$(touch pwned)]"])
        #expect(status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/pwned"))
        #expect((facts.foundFiles ?? [:]).values.allSatisfy { $0.isEmpty })
        #expect(FileGlobProbe.word("/etc/cron.d/*") == "/etc/cron.d/*" && FileGlobProbe.word("/a b/*.conf") == "'/a b/'*.conf")
    }

    @Test func theTemplateFactsCarryTheListedGlobs() {
        let (facts, _) = gather([folder + "/cron.d/*"])
        let template = TemplateFacts(facts, globs: [folder + "/cron.d/*"])
        guard case .map(let root) = template.value, case .map(let files)? = root["glob"],
              case .list(let found)? = files[folder + "/cron.d/*"], case .map(let first)? = found.first else { Issue.record("no files"); return }
        #expect(found.count == 3 && first["name"] == .string("backup") && first["mode"] == .string("0640") && first["type"] == .string("file"))
    }
}
