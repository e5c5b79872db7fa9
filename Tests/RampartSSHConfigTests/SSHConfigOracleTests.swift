import Foundation
import RampartBasics
import RampartSSHConfig
import RampartTestSupport
import Testing

/// OpenSSH is the oracle: every config of Fixtures/corpus is resolved by Rampart and by
/// `ssh -G -F FILE NAME` for each name on its `# query:` line, and the keywords Rampart uses are
/// compared field by field.
@Suite(.serialized) struct SSHConfigOracleTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    /// Relative `Include`s resolve under ~/.ssh: the corpus's included files are copied there.
    static let relativeIncludeDirectory = "rampart-ssh-config-corpus"

    @Test func corpusResolvesAsSSHMinusGDoes() throws {
        let context = LocalContext.current(environment: ProcessInfo.processInfo.environment)
        let workspace = try CorpusWorkspace(context: context)
        defer { workspace.remove() }
        var compared = 0, mismatches: [String] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures + "/corpus").filter { $0.hasSuffix(".conf") }.sorted()
        #expect(files.count >= 40)
        for file in files {
            let path = try workspace.install(Self.fixtures + "/corpus/" + file)
            let queries = try Self.queries(in: path)
            #expect(!queries.isEmpty, "\(file) has no `# query:` line")
            let config = try SSHConfig.load(.file(path), context: context)
            for name in queries {
                let oracle = LocalShell.run("ssh -G -F '\(path)' '\(name)'")
                guard oracle.status == 0 else { mismatches.append("\(file) \(name): ssh -G exited \(oracle.status)"); continue }
                let theirs = SSHMinusG(oracle.stdout)
                let ours = try config.resolve(name)
                for (field, mine, openssh) in Self.fields(ours, context: context, theirs) where mine != openssh {
                    mismatches.append("\(file) \(name) \(field): Rampart \(mine) | ssh -G \(openssh)")
                }
                // (`none` is a file name to IdentityFile but a keyword to UserKnownHostsFile.)
                let written = ours.identityFilesAsWritten.filter { $0 != "none" }
                if !written.isEmpty {
                    let expanded = try Self.expandedBySSH(written, config: path, name: name)
                    if expanded != ours.identityFiles.filter({ $0 != "none" }).joined(separator: " ") {
                        mismatches.append("\(file) \(name) identityfile expanded: Rampart \(ours.identityFiles) | ssh \(expanded)")
                    }
                }
                compared += 1
            }
        }
        #expect(compared >= 100)
        #expect(mismatches.isEmpty, "\(mismatches.count) differences:\n\(mismatches.joined(separator: "\n"))")
    }

    // Here, not with the other bad configs: it shares ~/.ssh/\(relativeIncludeDirectory) with the corpus.
    @Test func anIncludeLoopIsNamedHopByHop() throws {
        // The loop goes through ~/.ssh/rampart-ssh-config-corpus (relative Includes).
        let workspace = try CorpusWorkspace(context: LocalContext.current(environment: ProcessInfo.processInfo.environment))
        defer { workspace.remove() }
        let path = try workspace.install(SSHConfigErrorTests.bad + "07-include-loop.conf")
        do {
            _ = try SSHConfig.load(.file(path), context: .current(environment: [:]))
            Issue.record("an Include loop was accepted")
        } catch let error as SSHConfigError {
            #expect(error.description.contains("Include loop"))
            #expect(error.description.contains("loop-a.conf → "))
            #expect(error.diagnostic.location != nil)
        }
    }

    /// ssh -G prints IdentityFile unexpanded, but expands UserKnownHostsFile with the same
    /// function (tilde_expand_filename, then the same %-tokens and ${VAR}): so the identity files,
    /// set as the first UserKnownHostsFile of a copy of the config, come back expanded by ssh.
    static func expandedBySSH(_ values: [String], config path: String, name: String) throws -> String {
        let quoted = values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        let variant = path + ".identity"
        try ("UserKnownHostsFile " + quoted.joined(separator: " ") + "\n" + String(contentsOfFile: path, encoding: .utf8))
            .write(toFile: variant, atomically: true, encoding: .utf8)
        let oracle = LocalShell.run("ssh -G -F '\(variant)' '\(name)'")
        return SSHMinusG(oracle.stdout)["userknownhostsfile"].first ?? "ssh -G exited \(oracle.status)"
    }

    /// (field, Rampart's value, ssh -G's value) in ssh -G's spelling.
    static func fields(_ ours: ResolvedSSHConfig, context: LocalContext, _ theirs: SSHMinusG) -> [(String, [String], [String])] {
        let home = context.homeDirectory
        var rows: [(String, [String], [String])] = [
            ("hostname", [ours.hostName], theirs["hostname"]),
            ("user", [ours.user ?? context.userName], theirs["user"]),
            ("port", [String(ours.port ?? ResolvedSSHConfig.defaultPort)], theirs["port"]),
            ("identitiesonly", [ours.identitiesOnly == true ? "yes" : "no"], theirs["identitiesonly"]),
            ("proxyjump", ours.proxyJumpAsWritten.map { [$0] } ?? [], theirs["proxyjump"]),
            // ssh -G prints the files on one line, space-separated (even a path with a space in it).
            ("userknownhostsfile", [(ours.userKnownHostsFiles.map { $0.isEmpty ? ["none"] : $0 }
                ?? ResolvedSSHConfig.defaultUserKnownHostsFiles(home: home)).joined(separator: " ")], theirs["userknownhostsfile"]),
            ("globalknownhostsfile", [(ours.globalKnownHostsFiles.map { $0.isEmpty ? ["none"] : $0 }
                ?? ResolvedSSHConfig.defaultGlobalKnownHostsFiles).joined(separator: " ")], theirs["globalknownhostsfile"]),
            ("stricthostkeychecking", [strictSpelling(ours.strictHostKeyChecking ?? .ask)], theirs["stricthostkeychecking"]),
            ("connecttimeout", [ours.connectTimeout.map(String.init) ?? "none"], theirs["connecttimeout"]),
            ("serveraliveinterval", [String(ours.serverAliveInterval ?? 0)], theirs["serveraliveinterval"]),
            ("serveralivecountmax", [String(ours.serverAliveCountMax ?? 3)], theirs["serveralivecountmax"]),
        ]
        // ssh -G prints IdentityFile as written (its defaults when none is set); the expansion is
        // compared through UserKnownHostsFile, which ssh expands with the same function.
        if !ours.identityFilesAsWritten.isEmpty {
            rows.append(("identityfile", ours.identityFilesAsWritten, theirs["identityfile"]))
        }
        if let agent = ours.identityAgent {
            let spelled: String
            switch agent {
            case .none: spelled = "none"
            case .environment: spelled = "SSH_AUTH_SOCK"
            case .socket(let path): spelled = path
            case .variable(let name): spelled = "$" + name
            }
            rows.append(("identityagent", [spelled], theirs["identityagent"]))
        } else {
            rows.append(("identityagent", [], theirs["identityagent"]))
        }
        return rows
    }

    static func strictSpelling(_ value: StrictHostKeyChecking) -> String {
        switch value {
        case .yes: "true"
        case .no: "false"
        case .ask: "ask"
        case .acceptNew: "accept-new"
        }
    }

    static func queries(in path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("# query:") }) else { return [] }
        return line.dropFirst("# query:".count).split(separator: " ").map(String.init)
    }
}

/// `ssh -G` output: `keyword value` lines, a keyword repeated for each value (identityfile).
struct SSHMinusG {
    var values: [String: [String]] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            values[String(line[..<space]), default: []].append(String(line[line.index(after: space)...]))
        }
    }

    subscript(_ keyword: String) -> [String] { values[keyword] ?? [] }
}

/// A scratch copy of the corpus with `@CORPUS@` pointing at the copy (so `@CORPUS@/corpus-include/…`
/// works at any depth), and the included files
/// installed under ~/.ssh for relative `Include`s; removed afterwards.
struct CorpusWorkspace {
    let directory: String
    let sshDirectory: String
    let createdSSHDirectory: Bool
    let includeDirectory: String

    init(context: LocalContext) throws {
        let fm = FileManager.default
        directory = fm.temporaryDirectory.appendingPathComponent("rampart-ssh-config-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        sshDirectory = context.homeDirectory + "/.ssh"
        createdSSHDirectory = !fm.fileExists(atPath: sshDirectory)
        if createdSSHDirectory { try fm.createDirectory(atPath: sshDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        includeDirectory = sshDirectory + "/" + SSHConfigOracleTests.relativeIncludeDirectory
        try? fm.removeItem(atPath: includeDirectory)
        try fm.createDirectory(atPath: includeDirectory, withIntermediateDirectories: true)
        let source = SSHConfigOracleTests.fixtures + "/corpus-include"
        try install(source, into: directory)
        for name in try fm.contentsOfDirectory(atPath: source) {
            try install(source + "/" + name, into: includeDirectory)
        }
    }

    /// Copies `file` with @CORPUS@ substituted; returns the copy's path.
    @discardableResult
    func install(_ file: String, into target: String? = nil) throws -> String {
        let fm = FileManager.default
        let destination = (target ?? directory) + "/" + (file as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: file) { try install(file + "/" + name, into: destination) }
            return destination
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "@CORPUS@", with: directory)
        try text.write(toFile: destination, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: destination)
        return destination
    }

    func remove() {
        let fm = FileManager.default
        try? fm.removeItem(atPath: directory)
        try? fm.removeItem(atPath: includeDirectory)
        if createdSSHDirectory { try? fm.removeItem(atPath: sshDirectory) }
    }
}
