import RampartBasics
import RampartModel
import RampartTemplates

/// Inventory + playbook + templates → a `Catalog`: for each host the roles its plays give it,
/// their parameters and variables resolved, every text field and template rendered strictly,
/// references and cross-host order checked. Pure: no I/O, no network. Every problem of every
/// host is reported at once; one problem shared by several hosts is reported once, naming them.
///
/// Variable precedence, lowest first: role `defaults` < inventory `vars` (all) < parent group <
/// child group < host < parameters given to the role in the play (as in Ansible, role
/// parameters beat inventory variables). Built in: `inventory_hostname`, `host` (`name`,
/// `address`), `group_names` (the host's groups), `groups` (group → host names) and
/// `hostvars` (host → `address` and variables).
public struct CatalogCompiler {
    public let inventory: Inventory
    public let playbook: Playbook
    public let templates: TemplateLibrary

    /// Offline (`validate`, `plan --offline`): a login key whose public half (KEY.pub) does not
    /// exist yet — the lab's before `lab up` — makes `ssh_public_key` known after apply, with a
    /// warning, instead of an error. Never when planning for real hosts: a placeholder must not
    /// reach an authorized_keys file.
    public var publicKeyMayBeMissing = false

    public init(inventory: Inventory, playbook: Playbook, templates: TemplateLibrary) {
        self.inventory = inventory
        self.playbook = playbook
        self.templates = templates
    }

    /// Compiles every host the plays name, or only those `selection` picks. Templates see each
    /// host's `facts` as given here, else `TemplateFacts.baseline` (the engine compiles a host
    /// again with its gathered facts when the catalog read them).
    public func compile(selection: HostSelection? = nil, facts: [String: TemplateFacts] = [:]) throws -> Catalog {
        var problems = Problems()
        let selected = selection.map { Set($0.resolve(in: inventory).hosts.map(\.name)) }
        let playHosts = hostsOfPlays(&problems)
        let shared = SharedVariables(inventory: inventory)
        let renderer = TemplateRenderer(library: templates)
        checkRoleUses(&problems)

        var catalogs: [HostCatalog] = []
        for host in inventory.hosts where playHosts.values.contains(where: { $0.contains(host.name) }) {
            if let selected, !selected.contains(host.name) { continue }
            var compiler = HostCompilation(host: host, compiler: self, shared: shared, renderer: renderer,
                                           facts: facts[host.name] ?? .baseline)
            let catalog = compiler.compile(plays: playbook.plays.filter { playHosts[$0.name]?.contains(host.name) == true },
                                           playHosts: playHosts)
            problems.add(compiler.diagnostics, host: host.name)
            catalogs.append(catalog)
        }
        checkHostOrder(catalogs, &problems)
        if problems.hasErrors { throw DiagnosticError(problems.merged) }
        return Catalog(hosts: catalogs, warnings: problems.merged.filter { $0.severity == .warning })
    }

    /// Each play's hosts; a pattern matching nothing is an error.
    private func hostsOfPlays(_ problems: inout Problems) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for play in playbook.plays {
            let (hosts, unmatched) = HostSelection(play.hosts).resolve(in: inventory)
            for pattern in unmatched {
                let names = inventory.groups.map(\.name) + inventory.hosts.map(\.name)
                let hint = Suggestion.didYouMean(pattern.trimmingPrefix("!"), in: names)
                    ?? "groups: \(inventory.groups.map(\.name).joined(separator: ", "))"
                problems.add([.error("play '\(play.name)' applies to '\(pattern)', which matches no host or group of the inventory",
                                     hint: hint, at: play.declared.location(of: "hosts"))])
            }
            result[play.name] = hosts.map(\.name)
        }
        return result
    }

    /// Parameters a play passes must be ones the role declares (checked once per use, not per host).
    private func checkRoleUses(_ problems: inout Problems) {
        for play in playbook.plays {
            for use in play.roles {
                guard let role = playbook.roles[use.role] else {
                    let hint = Suggestion.didYouMean(use.role, in: Array(playbook.roles.keys))
                    problems.add([.error("role '\(use.role)' does not exist", hint: hint ?? "define it in the playbook or in roles/\(use.role).yml",
                                         at: use.declared.location)])
                    continue
                }
                for parameter in use.parameters.keys.sorted() where !role.parameters.contains(parameter) {
                    let hint = Suggestion.didYouMean(parameter, in: role.parameters)
                        ?? (role.parameters.isEmpty ? "role '\(role.name)' takes no parameters"
                            : "its parameters: \(role.parameters.joined(separator: ", "))")
                    problems.add([.error("role '\(role.name)' has no parameter '\(parameter)'", hint: hint,
                                         at: use.declared.location(of: parameter))])
                }
            }
        }
    }

    /// Hosts waiting for each other's plays through `after:` (and for their turn in a roll) must
    /// not wait in a circle. A node is a host's play; it follows the host's earlier play, the
    /// plays it waits for, and the previous host of its roll.
    private func checkHostOrder(_ catalogs: [HostCatalog], _ problems: inout Problems) {
        func node(_ host: String, _ play: String) -> String { "\(host)'s play '\(play)'" }
        var edges: [String: [String]] = [:]
        var nodes: [String] = []
        var previousInRoll: [String: String] = [:]
        for catalog in catalogs {
            for (index, stage) in catalog.stages.enumerated() {
                let here = node(catalog.host, stage.play)
                nodes.append(here)
                var after = stage.waitsFor.map { node($0.host, $0.play) }
                if index > 0 { after.append(node(catalog.host, catalog.stages[index - 1].play)) }
                if let roll = stage.rolling?.play {
                    if let previous = previousInRoll[roll] { after.append(previous) }
                    previousInRoll[roll] = here
                }
                edges[here] = after
            }
        }
        if let cycle = Cycles.first(in: nodes, edges: { edges[$0] ?? [] }) {
            problems.add([.error("plays wait for each other in a cycle: \(cycle.joined(separator: " → "))",
                                 hint: "an `after:` names a play that (through its hosts) waits for this one; drop one `after:` or reorder the plays",
                                 at: playbook.declared.location)])
        }
    }
}

/// Values shared by every host's templates, built once: `groups` and `hostvars`.
struct SharedVariables {
    let groups: Value
    let hostvars: Value

    init(inventory: Inventory) {
        var groups: [String: Value] = ["all": .list(inventory.hosts.map { .string($0.name) })]
        for group in inventory.groups { groups[group.name] = .list(inventory.members(of: group.name).map(Value.string)) }
        self.groups = .map(groups)
        var hostvars: [String: Value] = [:]
        for host in inventory.hosts {
            var vars = inventory.variables(for: host).vars
            vars["address"] = .string(host.address)
            vars["inventory_hostname"] = .string(host.name)
            hostvars[host.name] = .map(vars)
        }
        self.hostvars = .map(hostvars)
    }
}

/// Diagnostics from all hosts, merged so one problem shared by many hosts prints once.
struct Problems {
    private var items: [(Diagnostic, [String])] = []

    mutating func add(_ diagnostics: [Diagnostic], host: String? = nil) {
        for diagnostic in diagnostics {
            if let index = items.firstIndex(where: { $0.0.message == diagnostic.message && $0.0.location == diagnostic.location && $0.0.hint == diagnostic.hint }) {
                if let host, !items[index].1.contains(host) { items[index].1.append(host) }
            } else {
                items.append((diagnostic, host.map { [$0] } ?? []))
            }
        }
    }

    var hasErrors: Bool { items.contains { $0.0.severity == .error } }

    var merged: [Diagnostic] {
        items.map { diagnostic, hosts in
            var copy = diagnostic
            if !hosts.isEmpty { copy.host = hosts.joined(separator: ", ") }
            return copy
        }
    }
}

extension String {
    func trimmingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
