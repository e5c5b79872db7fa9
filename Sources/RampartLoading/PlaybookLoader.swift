import Foundation
import RampartBasics
import RampartModel
import Yams

/// Reads `playbooks/*.yml` and the roles it uses into a `Playbook`, reporting every problem at once.
///
/// ```yaml
/// name: site                      # optional, defaults to the file name
/// roles:                          # optional: roles written inside the playbook
///   motd: { defaults: { message: hi }, resources: [ { file: /etc/motd, content: "{{ message }}\n" } ] }
/// plays:
///   - name: web
///     hosts: webservers           # a group, host, glob or `!exclusion`, as --limit takes
///     roles: [common, { nginx: { worker_connections: 2048 } }]
///     serial: 1                   # optional rolling update, one host at a time, with
///     before_each: { on: lb1, run: "drain {{ inventory_hostname }}" }   # …steps on another host
///     after_each: { on: lb1, run: "enable {{ inventory_hostname }}" }   # (runs even if it failed)
///     after: [databases]          # optional: plays whose hosts must finish first
/// ```
/// A role not written inside the playbook is read from `roles/<name>.yml` beside it. A role file:
/// `summary`, `defaults` (parameter defaults), `required` (parameters without default),
/// `depends` (roles applied first) and `resources` (a list; each item has exactly one kind key —
/// `package: nginx`, `file: /etc/motd` … — plus that kind's fields, `requires` and `subscribes`).
public struct PlaybookLoader {
    let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    static let topKeys = ["name", "roles", "plays"]
    static let playKeys = ["name", "hosts", "roles", "serial", "after", "before_each", "after_each", "when"]
    static let roleKeys = ["summary", "defaults", "required", "depends", "assert", "resources"]

    /// Loads and validates `path` and its roles; throws `DiagnosticError` with all problems found.
    public func load(path: String) throws -> Playbook {
        try load(source: YAMLSource(path: path, environment: environment))
    }

    func load(source: YAMLSource) throws -> Playbook {
        let playbook = read(source)
        if playbook == nil || source.diagnostics.contains(where: { $0.severity == .error }) {
            throw DiagnosticError(source.diagnostics.sortedByLocation)
        }
        return playbook!
    }

    private func read(_ source: YAMLSource) -> Playbook? {
        guard let root = source.parse(emptyHint: "a playbook needs `plays:` with at least one play"),
              let entries = source.mapping(root, what: "the playbook", allowed: Self.topKeys) else { return nil }
        let fileName = ((source.path as NSString).lastPathComponent as NSString).deletingPathExtension
        var playbook = Playbook(fileName, plays: [], declared: Provenance(SourceLocation(file: source.path, line: 1, column: 1)))
        var playsNode: Node?
        for entry in entries {
            switch entry.key {
            case "name": playbook.name = source.string(entry.value, what: "the playbook's name") ?? fileName
            case "roles":
                for role in source.mapping(entry.value, what: "roles", allowed: []) ?? [] {
                    if let parsed = self.role(role.key, role.keyNode, role.value, source) { playbook.roles[role.key] = parsed }
                }
            case "plays": playsNode = entry.value
            default: break
            }
        }
        guard let playsNode else {
            source.error("the playbook has no `plays:`", hint: "add `plays:` with `- hosts: GROUP` and `roles: [ROLE]`", node: root)
            return nil
        }
        guard case .sequence(let items) = playsNode else {
            source.error("`plays` must be a list", hint: "write each play as a `- hosts: …` item", node: playsNode)
            return nil
        }
        var playNodes: [String: Node] = [:]
        for (index, item) in items.enumerated() {
            guard let play = play(index, item, source) else { continue }
            if let first = playNodes[play.name] {
                source.error("two plays are named '\(play.name)'", hint: "the first is at \(source.location(first)); names must be unique for `after:`", node: item)
            }
            playNodes[play.name] = item
            playbook.plays.append(play)
        }
        loadRoleFiles(into: &playbook, source)
        checkReferences(playbook, source, playNodes)
        return playbook
    }

    private func play(_ index: Int, _ node: Node, _ source: YAMLSource) -> Play? {
        let what = "play \(index + 1)"
        guard let entries = source.mapping(node, what: what, allowed: Self.playKeys) else { return nil }
        var play = Play("play\(index + 1)", hosts: "", roles: [], declared: Provenance(source.location(node)))
        var fields: [String: SourceLocation] = [:]
        for entry in entries {
            fields[entry.key] = source.location(entry.value)
            switch entry.key {
            case "name": play.name = source.string(entry.value, what: "the name of \(what)") ?? play.name
            case "hosts": play.hosts = source.string(entry.value, what: "`hosts` of \(what)") ?? ""
            case "serial": play.serial = source.int(entry.value, what: "`serial` of \(what)", range: 1...10_000)
            case "after": play.after = source.stringList(entry.value, what: "`after` of \(what)").map(\.0)
            case "before_each": play.beforeEach = hook(entry.value, source, what: "`before_each` of \(what)")
            case "after_each": play.afterEach = hook(entry.value, source, what: "`after_each` of \(what)")
            case "when": play.when = source.condition(entry.value, what: what)
            case "roles":
                guard case .sequence(let uses) = entry.value else {
                    source.error("`roles` of \(what) must be a list", hint: "write `roles: [common, nginx]`", node: entry.value)
                    continue
                }
                for use in uses { if let parsed = roleUse(use, source) { play.roles.append(parsed) } }
            default: break
            }
        }
        play.declared.fields = fields
        if (play.beforeEach != nil || play.afterEach != nil) && play.serial == nil { play.serial = 1 }
        if !entries.contains(where: { $0.key == "hosts" }) {
            source.error("\(what) has no `hosts:`", hint: "add `hosts: GROUP` (a group, host or pattern)", node: node)
            return nil
        }
        return play
    }

    /// `{ on: lb1, run: "…" }`: a command on another host around each rolled host.
    private func hook(_ node: Node, _ source: YAMLSource, what: String) -> RollingHook? {
        guard let entries = source.mapping(node, what: what, allowed: ["on", "run"]) else { return nil }
        let on = entries.first { $0.key == "on" }.flatMap { source.string($0.value, what: "`on` of \(what)") }
        let run = entries.first { $0.key == "run" }.flatMap { source.string($0.value, what: "`run` of \(what)") }
        guard let on, let run else {
            source.error("\(what) needs `on: HOST` and `run: COMMAND`", hint: "e.g. `{ on: lb1, run: \"drain {{ inventory_hostname }}\" }`", node: node)
            return nil
        }
        return RollingHook(on: on, run: run)
    }

    /// `- nginx` or `- nginx: { param: value }`.
    private func roleUse(_ node: Node, _ source: YAMLSource) -> RoleUse? {
        if case .scalar = node, let name = source.string(node, what: "a role") {
            return RoleUse(name, declared: Provenance(source.location(node)))
        }
        guard case .mapping(let mapping) = node, mapping.count == 1, let (keyNode, value) = mapping.first,
              let name = keyNode.string else {
            source.error("a role entry is a role name, or one `name: { parameters }` mapping",
                         hint: "write `- nginx` or `- nginx: { worker_connections: 2048 }`", node: node)
            return nil
        }
        var parameters: [String: Value] = [:]
        var fields: [String: SourceLocation] = [:]
        var when: Condition?
        if value.null == nil {
            for entry in source.mapping(value, what: "parameters of role '\(name)'", allowed: []) ?? [] {
                fields[entry.key] = source.location(entry.keyNode)
                // `when` is the use's condition, never a parameter.
                if entry.key == "when" { when = source.condition(entry.value, what: "role '\(name)'"); continue }
                parameters[entry.key] = source.value(entry.value)
            }
        }
        return RoleUse(name, parameters: parameters, when: when, declared: Provenance(source.location(keyNode), fields: fields))
    }

    /// `assert: [{ that: CONDITION or [CONDITIONS], message: TEXT }]`.
    private func assertions(_ node: Node, role: String, _ source: YAMLSource) -> [Assertion] {
        guard case .sequence(let items) = node else {
            source.error("`assert` of role '\(role)' must be a list", hint: "write `- { that: \"facts.cpus >= 2\", message: \"…\" }` items", node: node)
            return []
        }
        var result: [Assertion] = []
        for item in items {
            guard let entries = source.mapping(item, what: "an assertion of role '\(role)'", allowed: ["that", "message"]) else { continue }
            guard let that = entries.first(where: { $0.key == "that" }) else {
                source.error("an assertion of role '\(role)' needs `that:` (the condition that must hold)", hint: "e.g. `that: facts.cpus >= 2`", node: item)
                continue
            }
            guard let condition = source.condition(that.value, what: "an assertion of role '\(role)'", key: "that") else { continue }
            let messageNode = entries.first(where: { $0.key == "message" })?.value
            let message = messageNode.flatMap { source.string($0, what: "the message of an assertion of role '\(role)'") }
                ?? "role '\(role)' asserts `\(condition)`, which does not hold here"
            var fields = ["that": source.location(that.value)]
            if let messageNode { fields["message"] = source.location(messageNode) }
            result.append(Assertion(that: condition, message: message, declared: Provenance(source.location(item), fields: fields)))
        }
        return result
    }

    func role(_ name: String, _ keyNode: Node, _ node: Node, _ source: YAMLSource) -> Role? {
        guard let entries = source.mapping(node, what: "role '\(name)'", allowed: Self.roleKeys) else { return nil }
        var role = Role(name, declared: Provenance(source.location(keyNode)))
        for entry in entries {
            switch entry.key {
            case "summary": role.summary = source.string(entry.value, what: "the summary of role '\(name)'")
            case "defaults":
                for item in source.mapping(entry.value, what: "defaults of role '\(name)'", allowed: []) ?? [] {
                    role.defaults[item.key] = source.value(item.value)
                }
            case "required": role.required = source.stringList(entry.value, what: "`required` of role '\(name)'").map(\.0)
            case "depends": role.depends = source.stringList(entry.value, what: "`depends` of role '\(name)'").map(\.0)
            case "assert": role.assertions = assertions(entry.value, role: name, source)
            case "resources":
                guard case .sequence(let items) = entry.value else {
                    source.error("`resources` of role '\(name)' must be a list", hint: "write each resource as a `- kind: name` item", node: entry.value)
                    continue
                }
                let reader = ResourceReader(source: source)
                var seen: [ResourceID: Node] = [:]
                for item in items {
                    guard let resource = reader.resource(item) else { continue }
                    // Templated names (two loops over one list with different `when:`) may meet only
                    // on a host: the catalog reports a name declared twice for a host.
                    if let first = seen[resource.id], !resource.id.name.contains("{{") {
                        source.error("role '\(name)' declares \(resource.id) twice", hint: "the first is at \(source.location(first)); merge them", node: item)
                        continue
                    }
                    seen[resource.id] = item
                    role.resources.append(resource)
                }
            default: break
            }
        }
        for parameter in role.required where role.defaults[parameter] != nil {
            source.error("parameter '\(parameter)' of role '\(name)' is both required and has a default", hint: "remove it from one of them", node: keyNode)
        }
        return role
    }

    /// Roles the plays use (and their `depends`) that are not inside the playbook: `roles/<name>.yml`.
    private func loadRoleFiles(into playbook: inout Playbook, _ source: YAMLSource) {
        let directory = ((source.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("roles")
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }
        var pending: [(String, SourceLocation?)] = playbook.plays.flatMap { $0.roles.map { ($0.role, $0.declared.location) } }
        for role in playbook.roles.values { pending += role.depends.map { ($0, role.declared.location) } }
        pending.reverse()
        var missing: Set<String> = []
        while let (name, location) = pending.popLast() {
            if playbook.roles[name] != nil || missing.contains(name) { continue }
            let path = directory + "/" + name + ".yml"
            guard FileManager.default.fileExists(atPath: path) else {
                missing.insert(name)
                let names = Array(playbook.roles.keys) + available
                let hint = Suggestion.didYouMean(name, in: names)
                    ?? "write it under `roles:` in the playbook or as \(path)"
                source.absorb([.error("role '\(name)' does not exist", hint: hint, at: location)])
                continue
            }
            let roleSource = YAMLSource(path: path, environment: environment)
            if let root = roleSource.parse(emptyHint: "a role needs at least `resources:`"),
               let role = role(name, root, root, roleSource) {
                playbook.roles[name] = role
                pending += role.depends.map { ($0, role.declared.location) }
            }
            source.absorb(roleSource.diagnostics)
        }
    }

    /// Plays named in `after:` exist and do not form a cycle; role `depends` do not form a cycle.
    private func checkReferences(_ playbook: Playbook, _ source: YAMLSource, _ playNodes: [String: Node]) {
        let names = playbook.plays.map(\.name)
        for play in playbook.plays {
            for other in play.after where !names.contains(other) {
                let hint = Suggestion.didYouMean(other, in: names) ?? "plays: \(names.joined(separator: ", "))"
                source.absorb([.error("play '\(play.name)' runs after play '\(other)', which does not exist", hint: hint,
                                      at: play.declared.location(of: "after"))])
            }
        }
        if let cycle = Cycles.first(in: names, edges: { name in playbook.plays.first { $0.name == name }?.after ?? [] }) {
            let play = playbook.plays.first { $0.name == cycle[0] }
            source.absorb([.error("plays wait for each other in a cycle: \(cycle.joined(separator: " → "))",
                                  hint: "remove one `after:` link", at: play?.declared.location(of: "after"))])
        }
        let roleNames = playbook.roles.keys.sorted()
        if let cycle = Cycles.first(in: roleNames, edges: { playbook.roles[$0]?.depends ?? [] }) {
            source.absorb([.error("roles depend on each other in a cycle: \(cycle.joined(separator: " → "))",
                                  hint: "remove one `depends:` entry", at: playbook.roles[cycle[0]]?.declared.location)])
        }
    }
}
