import Foundation
import RampartBasics
import RampartModel
import Yams

/// Reads `inventories/*.yml` into an `Inventory`, reporting every problem at once.
///
/// Format (all sections optional but `hosts`):
/// ```yaml
/// connection: { user: root, key: ../keys/id_ed25519, known_hosts: known_hosts }   # defaults
/// vars: { apt_proxy: "http://10.0.0.1:8888" }
/// hosts:
///   web1: { address: 10.0.0.11, connection: { port: 2222 }, vars: { weight: 10 } }
///   db1:                     # no address: `db1` is what ssh is given, and ~/.ssh/config may map it
///   app1: { connection: { jump: [bastion] } }
/// groups:
///   webservers: { hosts: [web1], children: [], connection: {}, vars: {} }
/// ```
/// Relative paths (`key`, `known_hosts`, `ssh_config`) are resolved against the inventory file's folder.
///
/// Variables may also live beside the inventory, as in Ansible: `group_vars/<group>.yml` or
/// `group_vars/<group>/*.yml`, `host_vars/<host>.yml` or `host_vars/<host>/*.yml`
/// (`group_vars/all` is the inventory level) — in the inventory's folder (shared by every
/// inventory there) and in `<inventory name>/` beside it (this inventory's own).
/// `vault: { password_file: }` names the vault password file when RAMPART_VAULT_PASSWORD_FILE
/// is not set (meant for a lab, whose secrets are not secret). A file there may be a vault file (`rampart vault
/// encrypt`): every value in it is a secret. A value written `!env NAME` is a secret read from
/// the environment. A variable set twice at the same level is an error, not a silent override.
public struct InventoryLoader {
    let vault: VaultPassword?
    let environment: [String: String]

    public init(vault: VaultPassword? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.vault = vault
        self.environment = environment
    }

    static let topKeys = ["connection", "vars", "hosts", "groups", "ca", "vault"]
    static let hostKeys = ["address", "connection", "vars"]
    static let groupKeys = ["hosts", "children", "connection", "vars"]
    static let connectionKeys = ["port", "user", "key", "known_hosts", "host_key_checking", "become",
                                 "become_password_env", "connect_timeout", "command_timeout", "bootstrap_user", "keepalive_interval",
                                 "ssh_config", "jump"]

    /// Loads and validates `path`; throws `DiagnosticError` with all problems found.
    public func load(path: String) throws -> Inventory {
        try load(source: YAMLSource(path: path, environment: environment))
    }

    /// Loads inventory text as if read from `path` (vars folders are still looked up beside it).
    public func load(text: String, path: String) throws -> Inventory {
        try load(source: YAMLSource(path: path, text: text, environment: environment))
    }

    func load(source: YAMLSource) throws -> Inventory {
        let inventory = read(source)
        let errors = source.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty || inventory == nil { throw DiagnosticError(source.diagnostics.sortedByLocation) }
        return inventory!
    }

    private func read(_ source: YAMLSource) -> Inventory? {
        guard let root = source.parse(),
              let entries = source.mapping(root, what: "the inventory", allowed: Self.topKeys) else { return nil }
        let directory = (absolute(source.path) as NSString).deletingLastPathComponent
        var inventory = Inventory(hosts: [], declared: Provenance(SourceLocation(file: source.path, line: 1, column: 1)))
        var hostsNode: Node?
        var groupEntries: [(key: String, keyNode: Node, value: Node)] = []
        for entry in entries {
            switch entry.key {
            case "connection": inventory.connection = connection(entry.value, source, directory, what: "the inventory's connection")
            case "vars": inventory.vars = vars(entry.value, source, what: "the inventory's vars", locations: &inventory.declared)
            case "hosts": hostsNode = entry.value
            case "vault":
                for item in source.mapping(entry.value, what: "the inventory's `vault`", allowed: ["password_file"]) ?? [] {
                    inventory.vaultPasswordFile = source.string(item.value, what: "`password_file` of the inventory's `vault`").map { resolve($0, directory) }
                }
            case "ca":
                for item in source.mapping(entry.value, what: "the inventory's `ca`", allowed: ["directory"]) ?? [] {
                    inventory.caDirectory = source.string(item.value, what: "`directory` of the inventory's `ca`").map { resolve($0, directory) }
                }
            case "groups": groupEntries = source.mapping(entry.value, what: "groups", allowed: []) ?? []
            default: break
            }
        }
        guard let hostsNode else {
            source.error("the inventory has no `hosts:` section", hint: "add `hosts:` with at least one host and its address",
                         node: root)
            return nil
        }

        var addresses: [String: (String, Node)] = [:]
        for entry in source.mapping(hostsNode, what: "hosts", allowed: []) ?? [] {
            if let host = host(entry.key, entry.keyNode, entry.value, source, directory) {
                if let (other, _) = addresses[host.address] {
                    source.error("host '\(host.name)' has the same address \(host.address) as host '\(other)'",
                                 hint: "each host needs its own address", node: entry.keyNode)
                }
                addresses[host.address] = (host.name, entry.keyNode)
                inventory.hosts.append(host)
            }
        }

        let hostNames = Set(inventory.hosts.map(\.name))
        let groupNames = groupEntries.map(\.key)
        for entry in groupEntries {
            if hostNames.contains(entry.key) {
                source.error("group '\(entry.key)' has the same name as a host", hint: "rename one of them: --limit could not tell them apart",
                             node: entry.keyNode)
            }
            if entry.key == "all" {
                source.error("'all' is the built-in group of every host", hint: "use the top-level `vars:` and `connection:` for settings of all hosts", node: entry.keyNode)
                continue
            }
            if let group = group(entry.key, entry.keyNode, entry.value, source, directory,
                                 hostNames: hostNames.sorted(), groupNames: groupNames) {
                inventory.groups.append(group)
            }
        }
        reportCycles(in: inventory, source, groupEntries)
        let base = ((source.path as NSString).lastPathComponent as NSString).deletingPathExtension
        let vault = environment["RAMPART_VAULT_PASSWORD_FILE"] == nil
            ? inventory.vaultPasswordFile.map { VaultPassword(environment: ["RAMPART_VAULT_PASSWORD_FILE": $0]) } ?? self.vault : self.vault
        // Shared by every inventory in the folder, then this inventory's own folder.
        for folder in [directory, directory + "/" + base] {
            mergeVarsDirectories(into: &inventory, directory: folder, vault: vault, source)
        }
        reportConflicts(in: inventory, source)
        return inventory
    }

    private func host(_ name: String, _ keyNode: Node, _ node: Node, _ source: YAMLSource, _ directory: String) -> Host? {
        guard validName(name, keyNode, source, what: "host") else { return nil }
        // `web1:` alone is a host known by its name (ssh_config may say where it is).
        let isEmpty: Bool
        if case .scalar(let scalar) = node { isEmpty = ["", "~", "null"].contains(scalar.string) } else { isEmpty = false }
        guard let entries = isEmpty ? [] : source.mapping(node, what: "host '\(name)'", allowed: Self.hostKeys) else { return nil }
        var address: String?
        var host = Host(name, address: "", declared: Provenance(source.location(keyNode)))
        for entry in entries {
            switch entry.key {
            case "address": address = source.string(entry.value, what: "address of host '\(name)'")
            case "connection": host.connection = connection(entry.value, source, directory, what: "connection of host '\(name)'")
            case "vars": host.vars = vars(entry.value, source, what: "vars of host '\(name)'", locations: &host.declared)
            default: break
            }
        }
        // Without an address the host's name is what ssh is given (and looked up in ssh_config),
        // as `ssh web1` would be.
        if entries.contains(where: { $0.key == "address" }), address?.isEmpty ?? true { return nil }
        host.address = address ?? name
        return host
    }

    private func group(_ name: String, _ keyNode: Node, _ node: Node, _ source: YAMLSource, _ directory: String,
                       hostNames: [String], groupNames: [String]) -> Group? {
        guard validName(name, keyNode, source, what: "group") else { return nil }
        guard let entries = source.mapping(node, what: "group '\(name)'", allowed: Self.groupKeys) else { return nil }
        var group = Group(name, declared: Provenance(source.location(keyNode)))
        for entry in entries {
            switch entry.key {
            case "hosts":
                for (member, memberNode) in source.stringList(entry.value, what: "hosts of group '\(name)'") {
                    if hostNames.contains(member) { group.hosts.append(member); continue }
                    let hint = Suggestion.didYouMean(member, in: hostNames)
                        ?? "declare it under `hosts:` first"
                    source.error("group '\(name)' lists host '\(member)', which is not in the inventory", hint: hint, node: memberNode)
                }
            case "children":
                for (child, childNode) in source.stringList(entry.value, what: "children of group '\(name)'") {
                    if groupNames.contains(child) { group.children.append(child); continue }
                    let hint = Suggestion.didYouMean(child, in: groupNames)
                        ?? "declare it under `groups:`"
                    source.error("group '\(name)' has child group '\(child)', which does not exist", hint: hint, node: childNode)
                }
            case "connection": group.connection = connection(entry.value, source, directory, what: "connection of group '\(name)'")
            case "vars": group.vars = vars(entry.value, source, what: "vars of group '\(name)'", locations: &group.declared)
            default: break
            }
        }
        return group
    }

    private func connection(_ node: Node, _ source: YAMLSource, _ directory: String, what: String) -> ConnectionSettings {
        var settings = ConnectionSettings()
        for entry in source.mapping(node, what: what, allowed: Self.connectionKeys) ?? [] {
            let field = "`\(entry.key)` in \(what)"
            switch entry.key {
            case "port": settings.port = source.int(entry.value, what: field, range: 1...65535)
            case "user": settings.user = source.string(entry.value, what: field)
            case "key": settings.key = source.string(entry.value, what: field).map { resolve($0, directory) }
            case "known_hosts": settings.knownHosts = source.string(entry.value, what: field).map { resolve($0, directory) }
            case "host_key_checking":
                guard let mode = source.string(entry.value, what: field) else { break }
                let modes = ["strict", "accept-new", "off"]
                if modes.contains(mode) { settings.hostKeyChecking = mode } else {
                    source.error("\(field) must be one of \(modes.joined(separator: ", "))",
                                 hint: Suggestion.didYouMean(mode, in: modes), node: entry.value)
                }
            case "become": settings.become = source.bool(entry.value, what: field)
            case "become_password_env": settings.becomePasswordEnv = source.string(entry.value, what: field)
            case "connect_timeout": settings.connectTimeout = source.double(entry.value, what: field)
            case "command_timeout": settings.commandTimeout = source.double(entry.value, what: field)
            case "bootstrap_user": settings.bootstrapUser = source.string(entry.value, what: field)
            case "keepalive_interval": settings.keepaliveInterval = source.int(entry.value, what: field, range: 1...3600)
            case "ssh_config":
                settings.sshConfig = source.string(entry.value, what: field).map {
                    $0 == ConnectionSettings.noSSHConfig ? $0 : resolve($0, directory)
                }
            case "jump": settings.jump = jumpHosts(entry.value, source, what: field)
            default: break
            }
        }
        return settings
    }

    /// `jump: bastion`, `jump: [outer, admin@inner:2222]`, or `jump: none` / `[]` (connect directly).
    private func jumpHosts(_ node: Node, _ source: YAMLSource, what: String) -> [String]? {
        let hops: [(String, Node)]
        if case .scalar = node {
            guard let text = source.string(node, what: what) else { return nil }
            if text == "none" { return [] }
            hops = [(text, node)]
        } else {
            hops = source.stringList(node, what: what)
        }
        for (hop, hopNode) in hops where hop.isEmpty || hop.contains(where: { $0 == " " || $0 == "," }) {
            source.error("\(what): '\(hop)' is not a jump host", hint: "write one hop per list item: [user@]host[:port] or an inventory host's name",
                         node: hopNode)
        }
        return hops.map(\.0)
    }

    private func vars(_ node: Node, _ source: YAMLSource, what: String) -> [String: Value] {
        var ignored = Provenance()
        return vars(node, source, what: what, locations: &ignored)
    }

    /// The variables of a mapping; where each was written goes into `locations` as `vars.NAME`
    /// (for errors about a value that came from a variable).
    private func vars(_ node: Node, _ source: YAMLSource, what: String, locations: inout Provenance) -> [String: Value] {
        var result: [String: Value] = [:]
        for entry in source.mapping(node, what: what, allowed: []) ?? [] {
            result[entry.key] = source.value(entry.value)
            locations.fields[Provenance.variableField(entry.key)] = source.location(entry.value)
        }
        return result
    }

    private func validName(_ name: String, _ node: Node, _ source: YAMLSource, what: String) -> Bool {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        if name.isEmpty || name.unicodeScalars.contains(where: { !allowed.contains($0) }) {
            source.error("\(what) name '\(name)' may only use letters, digits, '-', '_' and '.'",
                         hint: "names appear in --limit patterns and output prefixes", node: node)
            return false
        }
        return true
    }

    private func reportCycles(in inventory: Inventory, _ source: YAMLSource, _ entries: [(key: String, keyNode: Node, value: Node)]) {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var reported: Set<String> = []
        func visit(_ name: String, _ path: [String]) {
            if state[name] == 2 { return }
            if state[name] == 1 {
                let cycle = path.drop(while: { $0 != name }) + [name]
                if reported.insert(name).inserted, let entry = entries.first(where: { $0.key == name }) {
                    source.error("group children form a cycle: \(cycle.joined(separator: " → "))",
                                 hint: "a group cannot contain itself; remove one `children` link", node: entry.keyNode)
                }
                return
            }
            state[name] = 1
            for child in inventory.group(named: name)?.children ?? [] { visit(child, path + [name]) }
            state[name] = 2
        }
        for group in inventory.groups { visit(group.name, []) }
    }

    /// Unrelated groups that set one variable differently for a shared host: reported once per
    /// variable and group pair, at the first group.
    private func reportConflicts(in inventory: Inventory, _ source: YAMLSource) {
        var reported: Set<[String]> = []
        for host in inventory.hosts {
            for conflict in inventory.variables(for: host).conflicts {
                guard reported.insert([conflict.variable] + conflict.groups).inserted else { continue }
                let names = conflict.groups.map { "'\($0)'" }.joined(separator: " and ")
                let location = inventory.group(named: conflict.groups[0])?.declared.location
                source.absorb([.error("groups \(names) both set variable '\(conflict.variable)' for host '\(host.name)', to different values",
                                      hint: "set it on the host, in one of the groups only, or in a child group of both",
                                      at: location)])
            }
        }
    }

    // MARK: - group_vars/ and host_vars/

    private func mergeVarsDirectories(into inventory: inout Inventory, directory: String, vault: VaultPassword?, _ source: YAMLSource) {
        let groupNames = ["all"] + inventory.groups.map(\.name)
        for (name, file, vars) in varsFiles(in: directory + "/group_vars", kind: "group", known: groupNames, vault: vault, source) {
            if name == "all" {
                inventory.declared.fields.merge(merge(vars, into: &inventory.vars, owner: "all hosts", file: file, source)) { _, new in new }
            } else if let index = inventory.groups.firstIndex(where: { $0.name == name }) {
                let locations = merge(vars, into: &inventory.groups[index].vars, owner: "group '\(name)'", file: file, source)
                inventory.groups[index].declared.fields.merge(locations) { _, new in new }
            }
        }
        for (name, file, vars) in varsFiles(in: directory + "/host_vars", kind: "host", known: inventory.hosts.map(\.name), vault: vault, source) {
            if let index = inventory.hosts.firstIndex(where: { $0.name == name }) {
                let locations = merge(vars, into: &inventory.hosts[index].vars, owner: "host '\(name)'", file: file, source)
                inventory.hosts[index].declared.fields.merge(locations) { _, new in new }
            }
        }
    }

    /// Adds a vars file's variables; returns where each added one was set (`vars.NAME` → the file).
    private func merge(_ vars: [String: Value], into target: inout [String: Value], owner: String, file: String,
                       _ source: YAMLSource) -> [String: SourceLocation] {
        var locations: [String: SourceLocation] = [:]
        for (key, value) in vars.sorted(by: { $0.key < $1.key }) {
            if target[key] != nil {
                source.absorb([.error("variable '\(key)' of \(owner) is set twice: in \(file) and in the inventory or another vars file",
                                      hint: "keep one definition; Rampart never picks one silently",
                                      at: SourceLocation(file: file, line: 1, column: 1))])
                continue
            }
            target[key] = value
            locations[Provenance.variableField(key)] = SourceLocation(file: file, line: 1, column: 1)
        }
        return locations
    }

    /// Every vars file under `folder`, as (owner name, file path, variables), in name order.
    private func varsFiles(in folder: String, kind: String, known: [String], vault: VaultPassword?, _ source: YAMLSource)
        -> [(String, String, [String: Value])] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return [] }
        var result: [(String, String, [String: Value])] = []
        for entry in names.sorted() where !entry.hasPrefix(".") {
            let path = folder + "/" + entry
            var isDirectory: ObjCBool = false
            fm.fileExists(atPath: path, isDirectory: &isDirectory)
            let owner: String
            var files: [String] = []
            if isDirectory.boolValue {
                owner = entry
                files = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
                    .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.map { path + "/" + $0 }
            } else if entry.hasSuffix(".yml") || entry.hasSuffix(".yaml") {
                owner = String(entry[..<entry.lastIndex(of: ".")!])
                files = [path]
            } else {
                continue
            }
            guard known.contains(owner) else {
                let hint = Suggestion.didYouMean(owner, in: known)
                    ?? "rename it after a \(kind) of the inventory, or delete it"
                source.absorb([.error("\(path) is for \(kind) '\(owner)', which is not in the inventory", hint: hint,
                                      at: SourceLocation(file: path, line: 1, column: 1))])
                continue
            }
            var merged: [String: Value] = [:]
            for file in files {
                for (key, value) in readVarsFile(file, vault: vault, source) {
                    if merged[key] != nil {
                        source.absorb([.error("variable '\(key)' of \(kind) '\(owner)' is set in two files under \(path)",
                                              hint: "keep one definition", at: SourceLocation(file: file, line: 1, column: 1))])
                    }
                    merged[key] = value
                }
            }
            result.append((owner, files.first ?? path, merged))
        }
        return result
    }

    /// One vars file's variables; a vault file is decrypted and all its values become secrets.
    private func readVarsFile(_ path: String, vault: VaultPassword?, _ parent: YAMLSource) -> [String: Value] {
        guard let data = FileManager.default.contents(atPath: path) else {
            parent.absorb([.error("cannot read \(path)", hint: "check its permissions", at: SourceLocation(file: path, line: 1, column: 1))])
            return [:]
        }
        var text: String?
        var secret = false
        if Vault.isEncrypted(data) {
            secret = true
            do {
                guard let vault else {
                    throw DiagnosticError(.error("a vault password is needed but none was given",
                                                 hint: "set RAMPART_VAULT_PASSWORD_FILE to a file holding it, or run on a terminal to be asked"))
                }
                let clear = try Vault.decrypt(data, password: try vault.get())
                text = String(decoding: clear, as: UTF8.self)
            } catch let failure as DiagnosticError {
                parent.absorb(failure.diagnostics.map { var d = $0; d.location = SourceLocation(file: path, line: 1, column: 1); return d })
                return [:]
            } catch {
                parent.absorb([.error("\(error)", hint: "check RAMPART_VAULT_PASSWORD_FILE, or re-encrypt it with `rampart vault encrypt`",
                                      at: SourceLocation(file: path, line: 1, column: 1))])
                return [:]
            }
        }
        let source = YAMLSource(path: path, text: text, environment: environment)
        defer { parent.absorb(source.diagnostics) }
        guard let root = source.parse(emptyHint: "write variables as `name: value` lines") else {
            // An empty vars file is fine; only report real problems.
            if source.diagnostics.count == 1, source.diagnostics[0].message == "file is empty" { source.discardDiagnostics() }
            return [:]
        }
        let vars = self.vars(root, source, what: "the variables in \(path)")
        return secret ? vars.mapValues(\.markedSecret) : vars
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private func resolve(_ path: String, _ directory: String) -> String {
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        if path.hasPrefix("/") { return path }
        return (directory as NSString).appendingPathComponent(path)
    }
}
