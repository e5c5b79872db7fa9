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
/// groups:
///   webservers: { hosts: [web1], children: [], connection: {}, vars: {} }
/// ```
/// Relative paths (`key`, `known_hosts`) are resolved against the inventory file's folder.
public struct InventoryLoader {
    public init() {}

    static let topKeys = ["connection", "vars", "hosts", "groups"]
    static let hostKeys = ["address", "connection", "vars"]
    static let groupKeys = ["hosts", "children", "connection", "vars"]
    static let connectionKeys = ["port", "user", "key", "known_hosts", "host_key_checking", "become",
                                 "become_password_env", "connect_timeout", "command_timeout"]

    /// Loads and validates `path`; throws `DiagnosticError` with all problems found.
    public func load(path: String) throws -> Inventory {
        let source = YAMLSource(path: path)
        let inventory = read(source)
        let errors = source.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty || inventory == nil { throw DiagnosticError(source.diagnostics) }
        return inventory!
    }

    private func read(_ source: YAMLSource) -> Inventory? {
        guard let root = source.parse(),
              let entries = source.mapping(root, what: "the inventory", allowed: Self.topKeys) else { return nil }
        let directory = (absolute(source.path) as NSString).deletingLastPathComponent
        var inventory = Inventory(hosts: [], source: source.path)
        var hostsNode: Node?
        var groupEntries: [(key: String, keyNode: Node, value: Node)] = []
        for entry in entries {
            switch entry.key {
            case "connection": inventory.connection = connection(entry.value, source, directory, what: "the inventory's connection")
            case "vars": inventory.vars = vars(entry.value, source, what: "the inventory's vars")
            case "hosts": hostsNode = entry.value
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
        return inventory
    }

    private func host(_ name: String, _ keyNode: Node, _ node: Node, _ source: YAMLSource, _ directory: String) -> Host? {
        guard validName(name, keyNode, source, what: "host") else { return nil }
        guard let entries = source.mapping(node, what: "host '\(name)'", allowed: Self.hostKeys) else { return nil }
        var address: String?
        var host = Host(name, address: "", location: source.location(keyNode))
        for entry in entries {
            switch entry.key {
            case "address": address = source.string(entry.value, what: "address of host '\(name)'")
            case "connection": host.connection = connection(entry.value, source, directory, what: "connection of host '\(name)'")
            case "vars": host.vars = vars(entry.value, source, what: "vars of host '\(name)'")
            default: break
            }
        }
        guard let address, !address.isEmpty else {
            if !entries.contains(where: { $0.key == "address" }) {
                source.error("host '\(name)' has no address", hint: "add `address: <IP or DNS name>`", node: keyNode)
            }
            return nil
        }
        host.address = address
        return host
    }

    private func group(_ name: String, _ keyNode: Node, _ node: Node, _ source: YAMLSource, _ directory: String,
                       hostNames: [String], groupNames: [String]) -> Group? {
        guard validName(name, keyNode, source, what: "group") else { return nil }
        guard let entries = source.mapping(node, what: "group '\(name)'", allowed: Self.groupKeys) else { return nil }
        var group = Group(name, location: source.location(keyNode))
        for entry in entries {
            switch entry.key {
            case "hosts":
                for (member, memberNode) in source.stringList(entry.value, what: "hosts of group '\(name)'") {
                    if hostNames.contains(member) { group.hosts.append(member); continue }
                    let hint = Suggestion.closest(to: member, in: hostNames).map { "did you mean '\($0)'?" }
                        ?? "declare it under `hosts:` first"
                    source.error("group '\(name)' lists host '\(member)', which is not in the inventory", hint: hint, node: memberNode)
                }
            case "children":
                for (child, childNode) in source.stringList(entry.value, what: "children of group '\(name)'") {
                    if groupNames.contains(child) { group.children.append(child); continue }
                    let hint = Suggestion.closest(to: child, in: groupNames).map { "did you mean '\($0)'?" }
                        ?? "declare it under `groups:`"
                    source.error("group '\(name)' has child group '\(child)', which does not exist", hint: hint, node: childNode)
                }
            case "connection": group.connection = connection(entry.value, source, directory, what: "connection of group '\(name)'")
            case "vars": group.vars = vars(entry.value, source, what: "vars of group '\(name)'")
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
                                 hint: Suggestion.closest(to: mode, in: modes).map { "did you mean '\($0)'?" }, node: entry.value)
                }
            case "become": settings.become = source.bool(entry.value, what: field)
            case "become_password_env": settings.becomePasswordEnv = source.string(entry.value, what: field)
            case "connect_timeout": settings.connectTimeout = source.double(entry.value, what: field)
            case "command_timeout": settings.commandTimeout = source.double(entry.value, what: field)
            default: break
            }
        }
        return settings
    }

    private func vars(_ node: Node, _ source: YAMLSource, what: String) -> [String: Value] {
        var result: [String: Value] = [:]
        for entry in source.mapping(node, what: what, allowed: []) ?? [] { result[entry.key] = source.value(entry.value) }
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

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private func resolve(_ path: String, _ directory: String) -> String {
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        if path.hasPrefix("/") { return path }
        return (directory as NSString).appendingPathComponent(path)
    }
}
