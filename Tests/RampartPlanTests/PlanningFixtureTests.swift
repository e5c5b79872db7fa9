import Foundation
import Rampart
import Testing
import Yams

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Planning as data. Each `Fixtures/<kind>-<case>.yml` holds `resources` (a role's resources, as
/// in a playbook), optional `vars` for the host, the host's `facts`, and `expect`: the steps as
/// `<symbol> <resource>: <summary>`, plus `notes`, `diff` lines and `scripts` fragments (of the
/// steps' shell, in step order: the first fragment in step 1, … as `N: text`) that must appear. The host is
/// `h1` (10.0.0.1) in groups `web`; the playbook is named `fixture`; `templates` are files under templates/;
/// `assert` is the role's assertions, and a failed one is an `error:` line after the steps.
struct PlanningFixtureTests {
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? [])
        .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()

    @Test func thereIsAFixtureForEveryCommonKind() {
        for kind in ["package", "file", "directory", "symlink", "service", "user", "group", "sysctl", "command", "handler", "prune", "mysql", "firewall",
                     "systemd-unit", "line", "block", "when", "apt-repository", "ini", "cron", "alternatives", "locale",
                     "mount", "kernel-module", "download", "archive", "ssh-keypair"] {
            #expect(Self.cases.contains { $0.hasPrefix(kind + "-") }, "no fixture for \(kind)")
        }
    }

    @Test(arguments: cases)
    func plannedStepsMatch(name: String) throws {
        let text = try String(contentsOf: fixtures.appendingPathComponent("\(name).yml"), encoding: .utf8)
        let fixture = try #require(try Yams.load(yaml: text) as? [String: Any])
        let catalog = try Self.catalog(resources: Self.resourcesText(text), vars: fixture["vars"] as? [String: Any] ?? [:],
                                       templates: fixture["templates"] as? [String: String] ?? [:], assert: Self.resourcesText(text, key: "assert"))
        let facts = try FixtureFacts.make(fixture["facts"] as? [String: Any] ?? [:])
        let (plan, diagnostics) = HostPlanner.plan(catalog: catalog, facts: facts)
        let actual = plan.steps.map { "\($0.action.symbol) \(label($0)): \($0.summary)" } + diagnostics.map { "error: \($0.message)" }
        let expected = fixture["expect"] as? [String] ?? []
        #expect(actual == expected, "\(name)")
        for note in fixture["notes"] as? [String] ?? [] {
            #expect(plan.steps.contains { $0.note?.contains(note) == true }, "\(name): no step note contains '\(note)'")
        }
        let diffs = plan.steps.compactMap(\.diff).joined(separator: "\n")
        for line in fixture["diff"] as? [String] ?? [] {
            #expect(diffs.split(separator: "\n").contains(Substring(line)), "\(name): diff lacks line '\(line)':\n\(diffs)")
        }
        for fragment in fixture["scripts"] as? [String] ?? [] {
            // "N: text": step N (from 1) runs `text`; "!N: text": it does not.
            let negated = fragment.hasPrefix("!")
            let parts = fragment.dropFirst(negated ? 1 : 0).split(separator: ":", maxSplits: 1)
            let index = try #require(parts.count == 2 ? Int(parts[0]) : nil, "\(name): a `scripts` entry is 'N: text' or '!N: text'")
            let text = parts[1].trimmingCharacters(in: .whitespaces)
            let script = try #require(plan.steps.indices.contains(index - 1) ? plan.steps[index - 1].script : nil, "\(name): no step \(index)")
            #expect(script.contains(text) != negated, "\(name): step \(index) \(negated ? "runs" : "lacks") `\(text)`:\n\(script)")
        }
        // The ids the manifest will list (each line also carries its declaration's digest).
        if let manifest = fixture["manifest"] as? [String] { #expect(plan.manifest?.map { ManagedEntry($0).id } == manifest, "\(name)") }
        if let markers = fixture["edit_markers"] as? [String] { #expect((plan.editMarkers ?? []).map(\.path) == markers, "\(name): edit markers") }
        // Every step's script is valid sh.
        for step in plan.steps { #expect(Self.shellAccepts(step.script), "\(name): \(step.resource) script is not valid sh:\n\(step.script)") }
    }

    func label(_ step: Step) -> String {
        step.resources.count == 1 ? step.resource.description
            : "\(step.resource.kind.rawValue):" + step.resources.map(\.name).joined(separator: ",")
    }

    /// The fixture's `resources:` block as written (re-dumping YAML would reorder keys, and a
    /// resource's first key is its kind).
    static func resourcesText(_ fixture: String, key: String = "resources") -> String {
        var lines: [Substring] = []
        var inside = false
        for line in fixture.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(key + ":") { inside = true; continue }
            if inside && !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("#") { break }
            if inside { lines.append(line) }
        }
        return lines.map { "      " + $0 }.joined(separator: "\n")
    }

    /// One host's catalog from resources written as in a playbook.
    static func catalog(resources: String, vars: [String: Any], templates: [String: String] = [:], assert: String = "") throws -> HostCatalog {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("playbooks"), withIntermediateDirectories: true)
        for (name, text) in templates {
            let file = folder.appendingPathComponent("templates/\(name)")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let inventory: [String: Any] = ["hosts": ["h1": ["address": "10.0.0.1", "vars": vars], "db1": ["address": "10.0.0.21"]],
                                        "groups": ["web": ["hosts": ["h1"]]]]
        try Yams.dump(object: inventory).write(to: folder.appendingPathComponent("inventory.yml"), atomically: true, encoding: .utf8)
        let assertions = assert.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : "    assert:\n\(assert)\n"
        let playbook = "name: fixture\nroles:\n  r:\n\(assertions)    resources:\n\(resources.trimmingCharacters(in: .whitespaces).isEmpty ? "      []" : resources)\nplays:\n  - { name: p, hosts: h1, roles: [r] }\n"
        try playbook.write(to: folder.appendingPathComponent("playbooks/site.yml"), atomically: true, encoding: .utf8)
        let project = try Project.load(inventory: folder.appendingPathComponent("inventory.yml").path,
                                       playbook: folder.appendingPathComponent("playbooks/site.yml").path)
        return try #require(try project.compile()["h1"])
    }

    static func shellAccepts(_ script: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-n", "-c", script]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

/// Facts written for people: `files: { /etc/motd: { owner: root, mode: "0644", content: "hi\n" } }`,
/// `packages: { nginx: "ii 1.22.1-9" }`, `services: { nginx: "loaded active enabled" }`, …
enum FixtureFacts {
    static func make(_ object: [String: Any]) throws -> HostFacts {
        var facts = HostFacts(host: "h1")
        for (path, value) in object["files"] as? [String: Any] ?? [:] {
            let f = value as? [String: Any] ?? [:]
            let content = (f["content"] as? String).map { Array($0.utf8) }
            let kind = FileFact.Kind(rawValue: f["kind"] as? String ?? "regular") ?? .regular
            facts.files[path] = FileFact(kind: kind, owner: f["owner"] as? String ?? "root", group: f["group"] as? String ?? "root",
                                         mode: f["mode"] as? String ?? (kind == .directory ? "0755" : "0644"), size: content?.count ?? 0,
                                         linkTarget: f["target"] as? String,
                                         sha256: f["sha256"] as? String ?? content.map(sha256Hex),
                                         content: (f["fetched"] as? Bool ?? true) ? content : nil)
        }
        for (name, value) in object["packages"] as? [String: String] ?? [:] {
            let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
            facts.packages[name] = PackageFact(status: parts[0], version: parts.count > 1 ? parts[1] : "")
        }
        facts.packageCandidates = object["candidates"] as? [String: String] ?? [:]
        for (name, value) in object["services"] as? [String: String] ?? [:] {
            let p = value.split(separator: " ").map(String.init)
            facts.services[name] = ServiceFact(loadState: p[0], activeState: p.count > 1 ? p[1] : "inactive", unitFileState: p.count > 2 ? p[2] : "")
        }
        for (name, value) in object["users"] as? [String: [String: Any]] ?? [:] {
            // `shadow: { password: HASH, locked: true, min: 0, max: 99999, warn: 7 }`: the probe reports the hash's SHA-256.
            let shadow = (value["shadow"] as? [String: Any]).map { s in
                ShadowFact(passwordSHA256: sha256Hex(Array((s["password"] as? String ?? "*").utf8)), locked: s["locked"] as? Bool ?? false,
                           minDays: s["min"] as? Int, maxDays: s["max"] as? Int, warnDays: s["warn"] as? Int)
            }
            facts.users[name] = UserFact(uid: value["uid"] as? Int ?? 1000, gid: value["gid"] as? Int ?? 1000,
                                         home: value["home"] as? String ?? "/home/\(name)", shell: value["shell"] as? String ?? "/bin/sh",
                                         groups: value["groups"] as? [String] ?? [], shadow: shadow)
        }
        for (name, value) in object["groups"] as? [String: Any] ?? [:] {
            facts.groups[name] = GroupFact(gid: value as? Int ?? 1000, members: [])
        }
        for (key, value) in object["sysctls"] as? [String: Any] ?? [:] { facts.sysctls[key] = "\(value)" }
        // `units: { mariadb.service: "loaded stale" }`: stale = NeedDaemonReload=yes.
        for (name, value) in object["units"] as? [String: String] ?? [:] {
            let p = value.split(separator: " ").map(String.init)
            facts.systemdUnits[name] = SystemdUnitFact(loadState: p[0], needsDaemonReload: p.contains("stale"))
        }
        // `mounts: { /srv/scratch: "tmpfs tmpfs rw,relatime" }` (source, fstype, the kernel's options).
        if let mounts = object["mounts"] as? [String: String] {
            facts.mounts = mounts.mapValues { value in
                let p = value.split(separator: " ").map(String.init)
                return MountFact(source: p[0], fstype: p.count > 1 ? p[1] : "", options: p.count > 2 ? p[2] : "rw")
            }
        }
        // `keypairs: { /etc/ssh/k: { type: ED25519, bits: 256, private: "root root 0600", public: "root root 0644",
        // matches: true, unreadable: false } }` (a missing `public` is no .pub file); `keygen: false`: no ssh-keygen.
        if let pairs = object["keypairs"] as? [String: [String: Any]] {
            func file(_ text: Any?) -> FileFact? {
                guard let p = (text as? String)?.split(separator: " ").map(String.init), p.count == 3 else { return nil }
                return FileFact(kind: .regular, owner: p[0], group: p[1], mode: p[2], size: 400)
            }
            facts.sshKeyPairs = pairs.mapValues { value in
                var fact = SSHKeyPairFact()
                fact.privateKey = file(value["private"])
                fact.publicKey = file(value["public"])
                fact.type = value["type"] as? String
                fact.bits = value["bits"] as? Int
                fact.fingerprint = fact.type.map { _ in "SHA256:fixture" }
                fact.publicMatches = value["matches"] as? Bool ?? (fact.publicKey != nil)
                fact.unreadable = value["unreadable"] as? Bool ?? false
                return fact
            }
        }
        facts.sshKeygen = object["keygen"] as? Bool
        // `modules: [br_netfilter]` (the loaded ones), or `modules: hidden` (a container).
        if let modules = object["modules"] as? [String] { facts.kernelModules = KernelModuleFacts(visible: true, loaded: modules) }
        if object["modules"] as? String == "hidden" { facts.kernelModules = KernelModuleFacts(visible: false, loaded: []) }
        facts.unchangedEdits = object["unchanged_edits"] as? [String] ?? []
        facts.commandsDue = object["due"] as? [String: Bool] ?? [:]
        // `os: "ubuntu 24.04 noble debian"` (id, version, codename, ID_LIKE); `machine: "amd64 2 4096"` (arch, CPUs, MiB).
        if let os = (object["os"] as? String)?.split(separator: " ").map(String.init), os.count >= 2 {
            facts.os = OperatingSystem(id: os[0], version: os[1], like: os.count > 3 ? os[3] : "", codename: os.count > 2 ? os[2] : "")
        }
        if let m = (object["machine"] as? String)?.split(separator: " ").map(String.init), m.count == 3 {
            facts.machine = MachineFacts(architecture: m[0], cpus: Int(m[1]) ?? 0, memoryMB: Int(m[2]) ?? 0)
        }
        facts.assumed = object["assumed"] as? Bool ?? false
        // `alternatives: { editor: "VALUE CANDIDATE…" }`; `locales: { generated: [...], lang: X, locale_gen: true }`.
        for (name, value) in object["alternatives"] as? [String: String] ?? [:] {
            let p = value.split(separator: " ").map(String.init)
            facts.alternatives[name] = AlternativesFact(value: p.first ?? "", candidates: Array(p.dropFirst()))
        }
        if let locales = object["locales"] as? [String: Any] {
            facts.locales = LocaleFacts(generated: locales["generated"] as? [String] ?? [], lang: locales["lang"] as? String,
                                        localeGen: locales["locale_gen"] as? Bool ?? true)
        }
        if let firewall = object["firewall"] as? [String: Any] {
            facts.firewall = FirewallFacts(persisted: firewall["persisted"] as? String, liveHash: firewall["live"] as? String ?? "",
                                           confirmedHash: firewall["confirmed"] as? String, enabled: firewall["enabled"] as? String ?? "disabled")
        }
        if let mysql = object["mysql"] as? [String: Any] {
            var m = MySQLFacts()
            m.databases = mysql["databases"] as? [String: [String]] ?? [:]
            for (name, value) in mysql["accounts"] as? [String: [String: Any]] ?? [:] {
                m.accounts[name] = MySQLFacts.Account(plugin: value["plugin"] as? String ?? "mysql_native_password",
                                                      authentication: value["authentication"] as? String ?? "",
                                                      sslType: value["ssl"] as? String ?? "", maxConnections: value["max"] as? Int ?? 0)
            }
            for (name, value) in mysql["privileges"] as? [String: [String]] ?? [:] { m.privileges[name] = Set(value) }
            m.replication = (mysql["replication"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
            m.version = mysql["version"] as? String ?? "10.11.6-MariaDB-0+deb12u1"
            m.readOnly = mysql["read_only"] as? Bool ?? false
            m.hasReplicated = mysql["has_replicated"] as? Bool ?? false
            facts.mysql = m
        }
        facts.manifest = (object["manifest"] as? [String] ?? []).map(ManagedEntry.init)
        facts.originals = object["originals"] as? [String] ?? []
        facts.pendingHandlers = (object["journal"] as? [String] ?? []).map {
            let p = $0.split(separator: " ", maxSplits: 1).map(String.init)
            return PendingHandler(resource: p[0], action: p[1])
        }
        return facts
    }
}
