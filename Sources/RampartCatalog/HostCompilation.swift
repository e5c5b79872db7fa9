import RampartBasics
import RampartModel
import RampartTemplates

/// Compiling one host: roles in order (dependencies first, each role once), variables per role,
/// resources rendered, identities unique, references resolved, dependency order.
struct HostCompilation {
    let host: Host
    let compiler: CatalogCompiler
    let shared: SharedVariables
    let renderer: TemplateRenderer
    /// The public half of the key Rampart logs in with (`KEY.pub` beside it), for a role that
    /// authorizes it for a deploy user; undefined (a strict-template error where used) without
    /// one — or, offline, a placeholder known after apply (`awaitingPublicKey`). Read once per
    /// host, not per role.
    let sshPublicKey: String?
    /// Offline, the key whose public half does not exist yet (`ssh_public_key` is a placeholder).
    let pendingPublicKey: String?
    static let publicKeyVariable = "ssh_public_key"
    /// What `facts.…` reads in templates, defaults and fields.
    let facts: TemplateFacts
    private(set) var diagnostics: [Diagnostic] = []
    /// Set when something rendered for the current role's variables read `facts`.
    private var variablesReadFacts = false
    /// `facts.` keys read without a template render (a bare `{{ facts.users }}` loop or field).
    private var directFactKeys: Set<String> = []
    /// Globs read without a template render (`loop: "{{ facts.glob['/etc/cron.d/*'] }}"`).
    private var directFactGlobs: Set<String> = []
    /// Set by `loopItems` when the loop's list came from facts.
    private var loopReadFacts = false
    /// Whether anything compiled for this host read `facts`.
    private var hostReadFacts = false
    /// Resources whose `when:` is false on this host, or that failed to render (reported there):
    /// a reference to one is no error.
    private var skipped: Set<ResourceID> = []

    init(host: Host, compiler: CatalogCompiler, shared: SharedVariables, renderer: TemplateRenderer, facts: TemplateFacts) {
        self.host = host
        self.facts = facts
        self.compiler = compiler
        self.shared = shared
        self.renderer = renderer
        let key = compiler.inventory.connection(for: host).key
        let publicKey = key.flatMap { try? String(contentsOfFile: $0 + ".pub", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if publicKey == nil, let key, compiler.publicKeyMayBeMissing {
            pendingPublicKey = key
            sshPublicKey = "(the public half of \(key), known after apply: \(key).pub does not exist yet)"
        } else {
            pendingPublicKey = nil
            sshPublicKey = publicKey
        }
    }

    mutating func compile(plays: [Play], playHosts: [String: [String]]) -> HostCatalog {
        var catalog = HostCatalog(host: host.name, playbook: compiler.playbook.name, address: host.address)
        _ = renderer.takePackagesRead()
        _ = renderer.takeFactKeysRead()
        _ = renderer.takeFactGlobsRead()
        let inventoryVars = compiler.inventory.variables(for: host).vars
        if case .string(let proxy)? = inventoryVars["apt_proxy"] { catalog.aptProxy = proxy }
        let hookVariables = inventoryVars.merging(["inventory_hostname": .string(host.name),
                                                   "host": .map(["name": .string(host.name), "address": .string(host.address)]),
                                                   "groups": shared.groups, "hostvars": shared.hostvars]) { _, new in new }
        for play in plays {
            var stage = Stage(play: play.name)
            // Every other host of an earlier play must be done with it (this host runs its own
            // plays in playbook order anyway).
            for earlier in play.after {
                for other in playHosts[earlier] ?? [] where other != host.name {
                    let wait = StageRef(host: other, play: earlier)
                    if !stage.waitsFor.contains(wait) { stage.waitsFor.append(wait) }
                }
            }
            if let serial = play.serial {
                stage.rolling = Rolling(play: play.name, serial: serial,
                                        before: play.beforeEach.flatMap { hook($0, hookVariables, play.declared.location(of: "before_each")) },
                                        after: play.afterEach.flatMap { hook($0, hookVariables, play.declared.location(of: "after_each")) })
            }
            catalog.stages.append(stage)
        }
        var applied: [String: RoleUse] = [:]
        var declaredAt: [ResourceID: SourceLocation?] = [:]
        var resources: [Resource] = []
        for (stage, play) in plays.enumerated() {
          for use in play.roles {
            let useCondition = Condition.all([play.when, use.when])
            let useOrigin = use.when != nil ? use.declared.location(of: "when") : play.declared.location(of: "when")
            for (role, roleUse) in expand(use) {
                if let earlier = applied[role.name] {
                    if earlier.parameters != roleUse.parameters {
                        diagnostics.append(.error("role '\(role.name)' is applied twice to this host with different parameters",
                                                  hint: "a role applies once per host; give both plays the same parameters or split the role",
                                                  at: roleUse.declared.location))
                    }
                    continue
                }
                applied[role.name] = roleUse
                _ = renderer.takeFactsRead()
                _ = renderer.takeRootsRead()
                guard let variables = variables(for: role, use: roleUse, inventoryVars: inventoryVars) else { continue }
                // Defaults or parameters built from facts: every resource of the role depends on them.
                let roleReadsFacts = renderer.takeFactsRead()
                let roleReadsKey = renderer.takeRootsRead().contains(Self.publicKeyVariable)
                if let useCondition, decide(useCondition, variables, useOrigin) == nil {
                    // False here (or wrong): none of the role's resources.
                    for declared in role.resources { skipped.insert(declared.id) }
                    continue
                }
                catalog.assertions += check(role.assertions, variables, role: role)
                for declared in role.resources {
                  loopReadFacts = false
                  let items = loopItems(declared, variables)
                  // Copies made from the host's facts (`loop: "{{ facts.users }}"`) depend on them.
                  let copiesReadFacts = loopReadFacts || renderer.takeFactsRead()
                  if copiesReadFacts || roleReadsFacts { hostReadFacts = true }
                  for itemVariables in items {
                    var when: Condition?
                    if let condition = Condition.all([useCondition, declared.when]) {
                        let origin = declared.when != nil ? declared.declared.location(of: "when") : useOrigin
                        guard let residual = decide(condition, itemVariables, origin) else {
                            skipped.insert(declared.id)
                            continue
                        }
                        when = residual == .literal(.bool(true)) ? nil : residual
                    }
                    variablesReadFacts = false
                    _ = renderer.takeRootsRead()
                    guard let typed = resolveTemplatedFields(declared, itemVariables, role: role, use: roleUse),
                          var resource = render(typed, variables: itemVariables) else {
                        // Reported where it failed; whatever refers to it is not a second error.
                        if let name = try? renderer.render(string: declared.id.name, variables: itemVariables, origin: nil).plainText {
                            skipped.insert(ResourceID(declared.id.kind, name))
                        }
                        continue
                    }
                    if pendingPublicKey != nil, roleReadsKey || renderer.takeRootsRead().contains(Self.publicKeyVariable) {
                        catalog.awaitingPublicKey.append(resource.id)
                    }
                    if roleReadsFacts || copiesReadFacts || renderer.takeFactsRead() || variablesReadFacts {
                        catalog.factDependent.append(resource.id)
                    }
                    resource.when = when
                    if let first = declaredAt[resource.id] {
                        diagnostics.append(.error("\(resource.id) is declared twice for this host",
                                                  hint: "the other is at \(first?.description ?? "(built in Swift)"); keep one",
                                                  at: declared.declared.location))
                        continue
                    }
                    declaredAt[resource.id] = declared.declared.location
                    resources.append(resource)
                    catalog.stages[stage].resources.append(resource.id)
                  }
                }
            }
          }
        }
        catalog.resources = ordered(resources)
        if let key = pendingPublicKey, !catalog.awaitingPublicKey.isEmpty {
            diagnostics.append(.warning("\(key).pub does not exist yet: ssh_public_key (read by \(catalog.awaitingPublicKey.count == 1 ? catalog.awaitingPublicKey[0].description : "\(catalog.awaitingPublicKey.count) resources")) is known after apply",
                                        hint: "`rampart lab up` makes the lab's key; for a key of your own: ssh-keygen -y -f \(key) > \(key).pub"))
        }
        // Even when nothing came of it (a loop over facts that made no copy here), facts were read.
        if hostReadFacts || !catalog.factDependent.isEmpty { catalog.templateFacts = facts }
        catalog.factPackages = renderer.takePackagesRead().sorted()
        catalog.factKeys = renderer.takeFactKeysRead().union(directFactKeys).sorted()
        catalog.factGlobs = renderer.takeFactGlobsRead().union(directFactGlobs).sorted()
        return catalog
    }

    /// A condition with the host's variables in it: nil when it is false here; `true` when it
    /// holds; else the part over facts, for the planner.
    private mutating func decide(_ condition: Condition, _ variables: [String: Value], _ origin: SourceLocation?) -> Condition? {
        let residual = condition.substituting({ Self.lookup($0, in: variables) }, keep: { $0.first == "facts" }).simplified()
        do {
            // (Loaded conditions were checked already; these may be built in Swift.)
            if let unknown = FactPaths.unknownFact(in: residual) {
                diagnostics.append(.error("`when` \(unknown.message)", hint: unknown.hint, at: origin))
                return nil
            }
            switch try residual.holds({ $0.first == "facts" ? .unknown : .undefined }) {
            case true?: return .literal(.bool(true))
            case false?: return nil
            case nil:
                // Undefined variables that only a fact-dependent branch reads: an error all the same.
                for path in residual.paths where path.first != "facts" {
                    diagnostics.append(.error("`when` on \(host.name) reads \(Condition.path(path)), which is not defined for this host",
                                              hint: "define it, or test it first: `\(Condition.path(path)) is defined and …`", at: origin))
                    return nil
                }
                return residual
            }
        } catch let failure as Condition.Failure {
            diagnostics.append(.error("`when` on \(host.name): \(failure.message)", hint: "write `x is defined and …` where a variable may be missing", at: origin))
        } catch {}
        return nil
    }

    /// A role's assertions on this host: a false one is an error with its message; those that
    /// read facts are returned (message rendered) for the planner.
    private mutating func check(_ assertions: [Assertion], _ variables: [String: Value], role: Role) -> [Assertion] {
        var left: [Assertion] = []
        for assertion in assertions {
            let origin = assertion.declared.location(of: "that")
            let before = diagnostics.count
            guard let message = renderText(assertion.message, variables, assertion.declared.location(of: "message")) else { continue }
            let residual = decide(assertion.that, variables, origin)
            guard diagnostics.count == before else { continue }  // the condition itself is wrong
            guard let residual else {
                diagnostics.append(.error("assertion failed: \(message.redacted)", hint: "role '\(role.name)' asserts `\(assertion.that)`", at: origin))
                continue
            }
            if residual != .literal(.bool(true)) {
                left.append(Assertion(that: residual, message: message.redacted, declared: assertion.declared))
            }
        }
        return left
    }

    /// A rolling hook with its command rendered for this host; the hook host must exist.
    private mutating func hook(_ hook: RollingHook, _ variables: [String: Value], _ origin: SourceLocation?) -> RollingHook? {
        // `on` may name the host through the inventory: `{{ groups.loadbalancers.0 }}`.
        guard let on = renderText(hook.on, variables, origin)?.plainText else { return nil }
        guard compiler.inventory.host(named: on) != nil else {
            let hint = Suggestion.didYouMean(on, in: compiler.inventory.hosts.map(\.name))
            diagnostics.append(.error("a rolling step runs on '\(on)', which is not a host of the inventory", hint: hint, at: origin))
            return nil
        }
        guard let run = renderText(hook.run, variables, origin) else { return nil }
        guard !run.isSensitive else {
            diagnostics.append(.error("a rolling step's command uses a secret, which would appear in a process's arguments", at: origin))
            return nil
        }
        return RollingHook(on: on, run: run.redacted)
    }

    /// A role use with its `depends` first (each role once), depth first.
    private mutating func expand(_ use: RoleUse) -> [(Role, RoleUse)] {
        var result: [(Role, RoleUse)] = []
        var visiting: Set<String> = []
        func visit(_ use: RoleUse) {
            guard let role = compiler.playbook.roles[use.role], visiting.insert(use.role).inserted else { return }
            for dependency in role.depends { visit(RoleUse(dependency, declared: role.declared)) }
            if !result.contains(where: { $0.0.name == role.name }) { result.append((role, use)) }
        }
        visit(use)
        return result
    }

    /// The variables a role's resources see on this host (see `CatalogCompiler` for precedence).
    private mutating func variables(for role: Role, use: RoleUse, inventoryVars: [String: Value]) -> [String: Value]? {
        var vars = role.defaults
        for (key, value) in inventoryVars { vars[key] = value }
        vars["inventory_hostname"] = .string(host.name)
        vars["host"] = .map(["name": .string(host.name), "address": .string(host.address)])
        vars["group_names"] = .list(compiler.inventory.groups(of: host.name).map { .string($0.name) })
        vars["groups"] = shared.groups
        vars["hostvars"] = shared.hostvars
        vars[TemplateRenderer.factsVariable] = facts.value
        if let key = sshPublicKey { vars["ssh_public_key"] = .string(key) }
        var ok = true
        for (key, value) in use.parameters.sorted(by: { $0.key < $1.key }) {
            guard let rendered = renderValue(value, variables: vars, origin: use.declared.location(of: key)) else { ok = false; continue }
            vars[key] = rendered
        }
        // Defaults may be templates too (`bind_address: "{{ host.address }}"`): rendered with
        // everything above, when nothing overrode them.
        for (key, value) in role.defaults.sorted(by: { $0.key < $1.key }) where vars[key] == value && use.parameters[key] == nil {
            guard let rendered = renderValue(value, variables: vars, origin: role.declared.location) else { ok = false; continue }
            vars[key] = rendered
        }
        for parameter in role.required where vars[parameter] == nil {
            diagnostics.append(.error("role '\(role.name)' needs parameter '\(parameter)'",
                                      hint: "pass it in the play (`- \(role.name): { \(parameter): … }`) or define it in the inventory",
                                      at: use.declared.location))
            ok = false
        }
        return ok ? vars : nil
    }

    /// A parameter value with its text rendered (parameters may refer to inventory variables).
    private mutating func renderValue(_ value: Value, variables: [String: Value], origin: SourceLocation?) -> Value? {
        switch value {
        case .string(let text):
            guard let rendered = renderText(text, variables, origin) else { return nil }
            if let plain = rendered.plainText { return .string(plain) }
            // A parameter built from a secret stays a secret as a whole.
            return .secret(Secret(rendered.revealed()))
        case .list(let items):
            var result: [Value] = []
            for item in items { guard let r = renderValue(item, variables: variables, origin: origin) else { return nil }; result.append(r) }
            return .list(result)
        case .map(let map):
            var result: [String: Value] = [:]
            for (k, item) in map { guard let r = renderValue(item, variables: variables, origin: origin) else { return nil }; result[k] = r }
            return .map(result)
        default:
            return value
        }
    }

    private mutating func renderText(_ text: String, _ variables: [String: Value], _ origin: SourceLocation?) -> SensitiveText? {
        do { return try renderer.render(string: text, variables: variables, origin: origin) } catch let error as DiagnosticError {
            diagnostics += error.diagnostics
        } catch {
            diagnostics.append(.error("\(error)", at: origin))
        }
        return nil
    }

    /// The variables of each copy of a looped resource (`item` bound), or the variables alone.
    private mutating func loopItems(_ declared: Resource, _ variables: [String: Value]) -> [[String: Value]] {
        guard !declared.loop.isEmpty else { return [variables] }
        let origin = declared.declared.location(of: "loop")
        var items: [Value] = []
        for entry in declared.loop {
            if let path = Self.variablePath(entry) {
                if path.first == TemplateRenderer.factsVariable {
                    loopReadFacts = true
                    guard noteFactsRead(path, origin) else { return [] }
                }
                switch Self.lookup(path, in: variables) ?? Self.unlistedGlob(path) {
                case .list(let values)?: items += values; continue
                // A map: one item per entry, in key order, as `item.key` and `item.value` (Ansible's dict2items).
                case .map(let map)?: items += map.keys.sorted().map { .map(["key": .string($0), "value": map[$0]!]) }; continue
                case nil:
                    // Did-you-mean among the keys beside the missing one (`groups.webserver` → `webservers`).
                    let parent = path.count > 1 ? Self.lookup(Array(path.dropLast()), in: variables) : nil
                    let siblings: [String]
                    if case .map(let map)? = parent { siblings = map.keys.sorted() } else { siblings = variables.keys.sorted() }
                    let hint = Suggestion.didYouMean(path.last!, in: siblings) ?? "define it in the inventory or as a role parameter"
                    diagnostics.append(.error("`loop` names '\(path.joined(separator: "."))', which is not defined for this host", hint: hint, at: origin))
                    return []
                default: break  // a scalar: rendered as text below
                }
            }
            guard let text = renderText(entry, variables, origin) else { return [] }
            guard let plain = text.plainText else {
                diagnostics.append(.error("a `loop` item is a secret, which would appear in resource names", at: origin))
                return []
            }
            items.append(.string(plain))
        }
        return items.map { item in variables.merging(["item": item]) { _, new in new } }
    }

    /// A `facts.…` path read without a render: its key (and glob) asked of the facts exec.
    /// False, with an error at `origin`, for a glob that cannot be listed.
    private mutating func noteFactsRead(_ path: [String], _ origin: SourceLocation?) -> Bool {
        directFactKeys.insert(path.count > 1 ? path[1] : "")
        guard path.count > 2, path[1] == TemplateFacts.globKey else { return true }
        if let problem = TemplateFacts.globProblem(path[2]) {
            diagnostics.append(.error(problem, hint: TemplateFacts.globHint, at: origin))
            return false
        }
        directFactGlobs.insert(path[2])
        return true
    }

    /// A glob the facts compiled with have not listed yet (a catalog's first compile): no files
    /// until the host is asked.
    static func unlistedGlob(_ path: [String]) -> Value? {
        path.count == 3 && path[0] == TemplateRenderer.factsVariable && path[1] == TemplateFacts.globKey ? .list([]) : nil
    }

    /// `{{ a.b.c }}` → [a, b, c], `{{ a['b c'].d }}` → [a, b c, d]; nil for any other template.
    static func variablePath(_ text: String) -> [String]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") else { return nil }
        var rest = Substring(trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces))
        let identifier = { (c: Character) in c.isLetter || c.isNumber || c == "_" }
        var parts: [String] = []
        while !rest.isEmpty {
            if rest.first == "[" {
                // A quoted key: `['…']` or `["…"]`, nothing else inside.
                guard parts.count > 0, let quote = rest.dropFirst().first, quote == "'" || quote == "\"" else { return nil }
                let body = rest.dropFirst(2)
                guard let end = body.firstIndex(of: quote), body[body.index(after: end)...].first == "]" else { return nil }
                parts.append(String(body[..<end]))
                rest = body[body.index(end, offsetBy: 2)...]
            } else {
                if !parts.isEmpty { guard rest.first == "." else { return nil }; rest = rest.dropFirst() }
                let name = rest.prefix(while: identifier)
                guard !name.isEmpty else { return nil }
                parts.append(String(name))
                rest = rest.dropFirst(name.count)
            }
        }
        return parts.isEmpty ? nil : parts
    }

    static func lookup(_ path: [String], in variables: [String: Value]) -> Value? {
        guard let first = path.first, var value = variables[first] else { return nil }
        for key in path.dropFirst() {
            guard case .map(let map) = value, let next = map[key] else { return nil }
            value = next
        }
        return value
    }

    /// A declaration whose typed fields are templates, read again with them rendered for this
    /// host: a bare `{{ var }}` gives the variable's own value (a list for `ports`, a bool for
    /// `enabled`), anything else its text. Errors point at the field, with a note at each
    /// variable it read.
    private mutating func resolveTemplatedFields(_ declared: Resource, _ variables: [String: Value], role: Role, use: RoleUse) -> Resource? {
        guard let templated = declared.templated else { return declared }
        guard let reader = templated.reader else {
            diagnostics.append(.error("\(declared.id) has typed fields written as templates, and nothing can read them again",
                                      hint: "declarations built in Swift take typed values", at: declared.declared.location))
            return nil
        }
        var rendered: [String: Value] = [:]
        for (field, template) in templated.templates.sorted(by: { $0.key < $1.key }) {
            let origin = declared.declared.location(of: field)
            let value: Value
            if let path = Self.variablePath(template), let found = Self.lookup(path, in: variables) {
                if path.first == TemplateRenderer.factsVariable {
                    variablesReadFacts = true
                    guard noteFactsRead(path, origin) else { return nil }
                }
                value = found
            } else {
                guard let text = renderText(template, variables, origin) else { return nil }
                value = text.plainText.map(Value.string) ?? .secret(Secret(text.revealed()))
            }
            guard !value.containsSecret else {
                diagnostics.append(.error("`\(field)` of \(declared.id) comes from a secret", hint: "a typed field is not secret: use a plain variable", at: origin))
                return nil
            }
            rendered[field] = value
        }
        let (resource, problems) = reader.read(with: rendered)
        for problem in problems {
            diagnostics.append(problem)
            guard problem.severity == .error,
                  let field = templated.templates.keys.sorted().first(where: { declared.declared.location(of: $0) == problem.location }) else { continue }
            let template = templated.templates[field]!
            for name in Self.variablesRead(by: template, among: Set(variables.keys)) {
                let at = name == "item" ? declared.declared.location(of: "loop") : variableOrigin(name, role: role, use: use)
                diagnostics.append(Diagnostic(.note, "`\(field)` is `\(template)`; \(name) is set here", at: at))
            }
        }
        return resource
    }

    /// Where a variable a role sees on this host was set: a parameter of the role's use, the
    /// inventory (host, group, all), or the role's defaults.
    private func variableOrigin(_ name: String, role: Role, use: RoleUse) -> SourceLocation? {
        if use.parameters[name] != nil { return use.declared.location(of: name) }
        if let origin = compiler.inventory.origin(ofVariable: name, for: host) { return origin }
        return role.declared.location
    }

    /// The variables a template names (those defined here), in order of first use.
    static func variablesRead(by template: String, among defined: Set<String>) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") ?? rest.range(of: "{%") {
            let inner = rest[open.upperBound...]
            let close = inner.range(of: "}}") ?? inner.range(of: "%}")
            let expression = close.map { inner[..<$0.lowerBound] } ?? inner
            var word = ""
            var previous: Character = " "
            for character in expression + " " {
                if character.isLetter || character.isNumber || character == "_" {
                    if word.isEmpty && previous == "." { previous = character; continue }
                    word.append(character)
                } else {
                    if !word.isEmpty, defined.contains(word), !names.contains(word) { names.append(word) }
                    word = ""
                }
                previous = character
            }
            rest = close.map { inner[$0.upperBound...] } ?? ""
        }
        return names
    }

    private mutating func render(_ declared: Resource, variables: [String: Value]) -> Resource? {
        var rendering = ResourceRendering(resource: declared, variables: variables, renderer: renderer,
                                          inventory: compiler.inventory)
        let result = rendering.render()
        diagnostics += rendering.diagnostics
        return result
    }

    /// Declaration order, except that a resource comes after everything it requires or
    /// subscribes to. References to resources missing on this host and cycles are errors.
    private mutating func ordered(_ resources: [Resource]) -> [Resource] {
        let ids = resources.map(\.id)
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var edges: [ResourceID: [ResourceID]] = [:]
        for resource in resources {
            for (field, reference) in resource.requires.map({ ("requires", $0) }) + resource.subscribes.map({ ("subscribes", $0) }) {
                guard index[reference] != nil else {
                    if skipped.contains(reference) { continue }
                    let sameKind = ids.filter { $0.kind == reference.kind }.map(\.description)
                    let hint = Suggestion.didYouMean(reference.description, in: sameKind)
                        ?? "no \(reference.kind.rawValue) resource of that name is declared for this host"
                    diagnostics.append(.error("\(resource.id) \(field) \(reference), which is not declared for this host", hint: hint,
                                              at: resource.declared.location(of: field)))
                    continue
                }
                edges[resource.id, default: []].append(reference)
            }
        }
        if let cycle = Cycles.first(in: ids, edges: { edges[$0] ?? [] }) {
            let at = resources.first { $0.id == cycle[0] }?.declared.location
            diagnostics.append(.error("resources require each other in a cycle: \(cycle.map(\.description).joined(separator: " → "))",
                                      hint: "remove one `requires`/`subscribes` link", at: at))
            return resources
        }
        // Stable topological order: repeatedly take the earliest-declared resource whose requirements are placed.
        var placed: Set<ResourceID> = []
        var result: [Resource] = []
        var remaining = resources
        while !remaining.isEmpty {
            let next = remaining.firstIndex { r in (edges[r.id] ?? []).allSatisfy(placed.contains) } ?? 0
            let resource = remaining.remove(at: next)
            placed.insert(resource.id)
            result.append(resource)
        }
        return result
    }
}
