import Foundation
import RampartTestSupport
import Testing

/// A newcomer's first day, on three fresh lab servers used as if they were their own: `rampart
/// init` with the servers on the command line (the load balancer and the monitoring on one, one
/// web server, one database), then validate, plan, apply, a re-plan that is empty and verify —
/// with no file edited by hand — and git, told to take everything, takes no private key and no
/// vault password. (The same project through the interactive prompt: InitCommandTests.)
enum NewcomerLabChecks {
    static func run() throws {
        var day = Scenario("newcomer: init, plan, apply, verify")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-newcomer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let project = folder + "/shop", password = folder + "/shop.vault-password"
        let initialized = try rampart(["init", project, "--domain", "www.foobar.com",
                                       "--lb", "10.231.77.10", "--monitoring", "10.231.77.10", "--web", "10.231.77.11", "--db", "10.231.77.21",
                                       "--key", "/var/lib/rampart-lab/id_ed25519", "--known-hosts", "/var/lib/rampart-lab/known_hosts",
                                       "--admin-network", "10.231.77.1/32", "--apt-proxy", "http://10.231.77.1:8888",
                                       "--vault-password-file", password])
        day.expect(initialized.status == 0, "init:\n\(initialized.stdout)\n\(initialized.stderr)")
        let inventory = project + "/inventories/production.yml", playbook = project + "/playbooks/site.yml"
        let written = snapshot(project)
        let valid = try rampart(["validate", "-i", inventory, playbook])
        day.expect(valid.status == 0 && valid.stdout.contains("valid: 3 hosts"), "validate:\n\(valid.stdout)\n\(valid.stderr)")
        let plan = try rampart(["plan", "-i", inventory, playbook, "--detailed-exitcode"])
        day.expect(plan.status == 2 && plan.stdout.contains("Plan: "), "plan (exit \(plan.status)):\n\(plan.stdout.suffix(400))\n\(plan.stderr)")
        let started = Date()
        let apply = try rampart(["apply", "-i", inventory, playbook, "--yes"])
        let seconds = Date().timeIntervalSince(started)
        day.expect(apply.status == 0, "apply:\n\(apply.stdout.suffix(2000))\n\(apply.stderr)")
        let again = try rampart(["plan", "-i", inventory, playbook, "--detailed-exitcode"])
        day.expect(again.status == 0, "the re-plan is not empty:\n\(again.stdout.suffix(1500))")
        let verify = try rampart(["verify", "-i", inventory, playbook])
        day.expect(verify.status == 0 && verify.stdout.contains("0 failed"), "verify:\n\(verify.stdout)\n\(verify.stderr)")
        let checks = verify.stdout.split(separator: "\n").first { $0.hasSuffix("0 failed") } ?? "?"
        // Nothing the newcomer was given changed under them (the CA Rampart keeps beside the inventory aside).
        let after = snapshot(project).filter { !$0.key.hasPrefix("inventories/.rampart/") }
        day.expect(after == written, "files of the project changed: \(Set(after.keys).symmetricDifference(written.keys).sorted())")
        // git, told to take everything, leaves out the keys and the vault password (kept outside anyway).
        let git = LocalShell.run("cd '\(project)' && git init -q && git add -A && git ls-files 2>&1").stdout
        let staged = git.split(separator: "\n").map(String.init)
        day.expect(staged.contains("inventories/production/group_vars/all/vault.yml") && staged.contains("playbooks/site.yml"), "git ls-files:\n\(git)")
        day.expect(FileManager.default.fileExists(atPath: project + "/inventories/.rampart/ca-production/ca.key"), "the CA's key is not where init's .gitignore expects it")
        day.expect(!staged.contains { $0.hasSuffix(".key") || $0.contains("vault-password") }, "git would take a private key or a password:\n\(git)")
        day.finish("3 fresh servers from `init` flags: validate, plan, apply \(String(format: "%.0f", seconds)) s, re-plan empty, verify \(checks); git takes \(staged.count) files, no key")
    }

    /// Every file below `folder` with its bytes, by relative path.
    static func snapshot(_ folder: String) -> [String: Data] {
        let paths = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        var result: [String: Data] = [:]
        for path in paths where !path.hasPrefix(".git/") {
            if let data = FileManager.default.contents(atPath: folder + "/" + path) { result[path] = data }
        }
        return result
    }
}
