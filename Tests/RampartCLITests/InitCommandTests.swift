import Foundation
import RampartTestSupport
import Testing

/// `rampart init` as a newcomer meets it, through the built binary: flags write a project that
/// validates; the interactive prompt, driven through a pseudo-terminal, writes the same project;
/// a second init into the same folder refuses and writes nothing. (The lab suite applies such a
/// project to three fresh servers and verifies it: NewcomerLabTests.)
final class InitCommandTests: Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/rampart").path
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-init-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// The servers of the lab used as someone's own: the LB and the monitoring on one.
    static let servers = ["--lb", "10.231.77.10", "--monitoring", "10.231.77.10", "--web", "10.231.77.11", "--db", "10.231.77.21"]
    static let connection = ["--key", "/var/lib/rampart-lab/id_ed25519", "--known-hosts", "/var/lib/rampart-lab/known_hosts",
                             "--admin-network", "10.231.77.1/32", "--domain", "shop.example.com"]

    func run(_ arguments: [String], in directory: String? = nil) -> (String, Int32) {
        LocalShell.run((directory.map { "cd '\($0)' && " } ?? "") + ([Self.binary] + arguments).map { "'\($0)'" }.joined(separator: " ") + " 2>&1 </dev/null")
    }

    /// Every file below `project` with its text; the vault (random) and its password's path left out.
    func contents(_ project: String, password: String) -> [String: String] {
        let files = FileManager.default.enumerator(atPath: project)?.compactMap { $0 as? String } ?? []
        var result: [String: String] = [:]
        for file in files where !file.hasSuffix("vault.yml") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: project + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[file] = (try? String(contentsOfFile: project + "/" + file, encoding: .utf8))?.replacingOccurrences(of: password, with: "PASSWORD")
        }
        return result
    }

    @Test func flagsWriteAProjectThatValidatesAndASecondInitRefuses() throws {
        let project = folder + "/shop", password = folder + "/shop.vault-password"
        let (output, status) = run(["init", project] + Self.servers + Self.connection + ["--vault-password-file", password])
        #expect(status == 0, "\(output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: password)
        let secret = try String(contentsOfFile: password, encoding: .utf8)
        #expect((attributes[.posixPermissions] as? Int) == 0o600 && secret.count == 33)
        let vault = try String(contentsOfFile: project + "/inventories/production/group_vars/all/vault.yml", encoding: .utf8)
        #expect(vault.hasPrefix("$RAMPART_VAULT") && !vault.contains("app_db_password"), "the vault is encrypted: \(vault.prefix(40))")
        let gitignore = try String(contentsOfFile: project + "/.gitignore", encoding: .utf8)
        #expect(gitignore.contains("*.key") && gitignore.contains(".rampart/ca-*/ca.key") && gitignore.contains("*.vault-password"))
        let inventory = try String(contentsOfFile: project + "/inventories/production.yml", encoding: .utf8)
        #expect(inventory.contains("  lb1: { address: 10.231.77.10 }") && inventory.contains("  monitoring:    { hosts: [lb1] }")
                && inventory.contains("  db_replicas:   { hosts: [] }") && inventory.contains("password_file: \"\(password)\""))
        #expect(inventory.hasPrefix("# yaml-language-server: $schema=../.rampart/schema/rampart-inventory.schema.json"))
        let (valid, validStatus) = run(["validate", "-i", "inventories/production.yml", "playbooks/site.yml"], in: project)
        #expect(validStatus == 0 && valid.contains("valid: 3 hosts"), "\(valid)")
        // Again into the same folder: refused, nothing written (not even a second password file).
        let again = folder + "/again.vault-password"
        let (refused, refusedStatus) = run(["init", project] + Self.servers + Self.connection + ["--vault-password-file", again])
        #expect(refusedStatus == 1 && refused.contains("nothing was written") && !FileManager.default.fileExists(atPath: again), "\(refused)")
        // A baseline for two servers named in ~/.ssh/config (no addresses).
        let (baseline, baselineStatus) = run(["init", folder + "/base", "--kind", "baseline", "--servers", "alpha,beta=10.0.0.2"] + Self.connection)
        #expect(baselineStatus == 0, "\(baseline)")
        let baseInventory = try String(contentsOfFile: folder + "/base/inventories/production.yml", encoding: .utf8)
        #expect(baseInventory.contains("  alpha:   # reached by name") && baseInventory.contains("  beta: { address: 10.0.0.2 }"))
        let (baseValid, baseValidStatus) = run(["validate", "-i", "inventories/production.yml", "playbooks/baseline.yml"], in: folder + "/base")
        #expect(baseValidStatus == 0 && baseValid.contains("valid: 2 hosts"), "\(baseValid)")
    }

    @Test func theInteractivePromptWritesTheSameProject() throws {
        let byFlags = folder + "/flags", byPrompt = folder + "/prompt"
        let (output, status) = run(["init", byFlags] + Self.servers + Self.connection + ["--vault-password-file", folder + "/flags.pw"])
        #expect(status == 0, "\(output)")
        // The prompt, answered through a pseudo-terminal as a person would (Python's pty module).
        let answers: [(String, String)] = [("domain", "shop.example.com"), ("Load balancer", "10.231.77.10"), ("Web servers", "10.231.77.11"),
                                           ("Database servers", "10.231.77.21"), ("Monitoring server", "10.231.77.10"), ("Login user", ""),
                                           ("fresh server", ""), ("SSH key", "/var/lib/rampart-lab/id_ed25519"), ("Where SSH may come from", "10.231.77.1/32")]
        let driver = """
        import os, pty, select, sys
        answers = [\(answers.map { "(\"\($0.0)\", \"\($0.1)\")" }.joined(separator: ", "))]
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], [sys.argv[1], 'init', sys.argv[2], '--known-hosts', '/var/lib/rampart-lab/known_hosts', '--vault-password-file', sys.argv[3]])
        seen = b''
        def read_until(text):
            global seen
            while text.encode() not in seen:
                ready, _, _ = select.select([fd], [], [], 20)
                if not ready: sys.exit('no prompt containing ' + text + ': ' + seen.decode(errors='replace'))
                try: chunk = os.read(fd, 4096)
                except OSError: sys.exit('ended before ' + text + ': ' + seen.decode(errors='replace'))
                seen += chunk
            seen = seen[seen.index(text.encode()) + len(text):]
        for prompt, answer in answers:
            read_until(prompt)
            read_until(': ')
            os.write(fd, (answer + '\\n').encode())
        rest = b''
        while True:
            try: chunk = os.read(fd, 4096)
            except OSError: break
            if not chunk: break
            rest += chunk
        _, status = os.waitpid(pid, 0)
        print(rest.decode(errors='replace'))
        sys.exit(os.waitstatus_to_exitcode(status))
        """
        let script = folder + "/drive.py"
        try driver.write(toFile: script, atomically: true, encoding: .utf8)
        let (typed, typedStatus) = LocalShell.run("/usr/bin/python3 '\(script)' '\(Self.binary)' '\(byPrompt)' '\(folder)/prompt.pw' 2>&1")
        #expect(typedStatus == 0 && typed.contains("wrote 31 files"), "\(typed)")
        let flags = contents(byFlags, password: folder + "/flags.pw"), prompt = contents(byPrompt, password: folder + "/prompt.pw")
        #expect(flags.count == 30 && Set(flags.keys) == Set(prompt.keys))
        for (file, text) in flags.sorted(by: { $0.key < $1.key }) {
            #expect(prompt[file] == text, "\(file) differs between the flags and the prompt")
        }
        let (valid, validStatus) = run(["validate", "-i", "inventories/production.yml", "playbooks/site.yml"], in: byPrompt)
        #expect(validStatus == 0, "\(valid)")
    }
}
