import Crypto
import Foundation
import RampartBasics
import RampartModel
import RampartRemote

/// All probes of one host in ONE shell script, so gathering facts is one round trip.
///
/// Each section starts with a line `\x1e<name>`; its output is handed to that section's parser.
/// Only `sh` and Debian's base system are needed on the host (coreutils, findutils, dpkg,
/// systemd, getent, grep) — no Python, no agent.
public struct ProbeBatch: Sendable {
    public static let probes: [any FactProbe.Type] = [
        StateProbe.self, PackageProbe.self, FileProbe.self, FileGlobProbe.self, ServiceProbe.self, SystemdProbe.self, SystemSettingsProbe.self, AccountProbe.self,
        SysctlProbe.self, MountProbe.self, KernelModuleProbe.self, SSHKeyPairProbe.self, CommandGuardProbe.self, MySQLProbe.self, FirewallProbe.self,
    ]

    public let host: String
    public let sections: [ProbeSection]

    public init(catalog: HostCatalog) {
        host = catalog.host
        sections = Self.probes.compactMap { $0.section(for: catalog) }
    }

    /// The script: no secret is ever in it (it becomes the remote shell's argv).
    public var script: String {
        sections.map { Self.header($0.name) + $0.script }.joined(separator: "\n") + "\n"
    }

    /// The line that starts a section's output.
    static func header(_ name: String) -> String { "printf '\\n\\036%s\\n' \(name)\n" }

    public var command: Command {
        Command(script, display: "gather facts (\(sections.map(\.name).joined(separator: ", ")))")
    }

    /// Parses the script's output into facts.
    public func parse(_ output: String) -> HostFacts {
        var facts = HostFacts(host: host)
        var byName: [String: String] = [:]
        for chunk in output.split(separator: "\u{1e}", omittingEmptySubsequences: true) {
            guard let newline = chunk.firstIndex(of: "\n") else { continue }
            byName[String(chunk[..<newline])] = String(chunk[chunk.index(after: newline)...])
        }
        for section in sections { section.parse(byName[section.name] ?? "", &facts) }
        return facts
    }

    /// Gathers facts over `connection` in one exec; a probe that cannot run is a host error.
    public func gather(over connection: HostConnection) async throws -> HostFacts {
        parse(try await run(over: connection))
    }

    /// Runs the script in one exec, after `prefix` (shell run as a section of its own named
    /// `prefixName`, e.g. the lock's), and returns the whole output for `parse`.
    public func run(over connection: HostConnection, prefix: String? = nil, prefixName: String = "lock",
                    display: String? = nil) async throws -> String {
        var command = self.command
        if let prefix { command.script = Self.header(prefixName) + prefix + "\n" + command.script }
        if let display { command.display = display }
        let result = try await connection.run(command)
        guard result.succeeded else { throw DiagnosticError(failure(result)) }
        return result.stdoutText
    }

    /// Why the script failed, in the failing command's own words first, and in which probe
    /// (the last section whose header reached stdout). Only a missing command blames the host's tools.
    func failure(_ result: CommandResult) -> Diagnostic {
        let stdout = result.stdoutText
        let section = stdout.range(of: "\u{1e}", options: .backwards).map { start -> String in
            let name = stdout[start.upperBound...].prefix { $0 != "\n" }
            return " in the \(name) probe"
        } ?? ""
        let reason = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
        let status = result.exitSignal.map { "signal \($0)" } ?? "exit \(result.exitStatus)"
        let missing = result.exitStatus == 127 || reason.contains(": not found")
        return .error("\(reason.isEmpty ? "(no message)" : String(reason.prefix(400))) — gathering facts failed\(section) (\(status))",
                      hint: missing ? "a command the probes need is missing: Rampart's probes need a POSIX sh and Debian's base tools (coreutils, findutils, dpkg, systemd, util-linux)"
                                    : "run the same command again; if it repeats, the probe has a bug: report it with this message",
                      host: host, step: "facts")
    }
}

extension HostFacts {
    /// A digest of everything probed: a saved plan is applied only while it still matches.
    public var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return sha256Hex(Array(data))
    }
}

/// Line formats two probes share (the state probe looks at to-be-pruned resources the same way
/// the kind probes look at managed ones): one printer and one parser each.
enum ProbeLines {
    /// `find PATH… -maxdepth 0` printing `S|type|owner|group|mode|size|path<NUL>link target`: a
    /// path or a link target may hold `|`, never NUL. (A path with a newline is not supported.)
    static func find(_ paths: String) -> String {
        "find \(paths) -maxdepth 0 -printf 'S|%y|%u|%g|%m|%s|%p\\0%l\\n' 2>/dev/null"
    }

    /// Parses the part after `S|`; nil for a malformed line.
    static func file(_ rest: Substring) -> (path: String, fact: FileFact)? {
        let f = Sh.fields(rest, 6)
        guard f.count == 6, let size = Int(f[4]) else { return nil }
        let names = f[5].split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard names.count == 2 else { return nil }
        let kind: FileFact.Kind = f[0] == "f" ? .regular : f[0] == "d" ? .directory : f[0] == "l" ? .symlink : .other
        let mode = String(repeating: "0", count: max(0, 4 - f[3].count)) + f[3]
        return (names[0], FileFact(kind: kind, owner: f[1], group: f[2], mode: mode, size: size,
                                   linkTarget: kind == .symlink ? names[1] : nil))
    }

    /// `systemctl show -p …` of several units: one `key=value` block per unit, in argument order,
    /// separated by blank lines.
    static func systemctlBlocks(_ output: String) -> [[String: String]] {
        output.components(separatedBy: "\n\n").map { block -> [String: String] in
            var values: [String: String] = [:]
            for line in block.split(separator: "\n") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                values[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return values
        }.filter { !$0.isEmpty }
    }

    /// `dpkg-query -W` printing `<prefix>name|status|version`.
    static func dpkg(_ names: String, prefix: String = "") -> String {
        "dpkg-query -W -f='\(prefix)${Package}|${db:Status-Abbrev}|${Version}\\n' -- \(names) 2>/dev/null"
    }

    /// Parses `name|status|version`.
    static func package(_ rest: Substring) -> (name: String, fact: PackageFact)? {
        let f = Sh.fields(rest, 3)
        guard f.count == 3 else { return nil }
        return (f[0], PackageFact(status: f[1].trimmingCharacters(in: .whitespaces), version: f[2]))
    }
}

/// Shell helpers for probe scripts.
enum Sh {
    static func q(_ word: String) -> String { ShellQuoting.quote(word) }
    static func words(_ words: [String]) -> String { words.map(q).joined(separator: " ") }

    /// Lines split on `|` into at most `fields` parts (the last keeps any further `|`).
    static func fields(_ line: Substring, _ count: Int) -> [String] {
        line.split(separator: "|", maxSplits: count - 1, omittingEmptySubsequences: false).map(String.init)
    }
}
