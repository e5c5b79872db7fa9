import ArgumentParser
import Foundation
import RampartBasics
import RampartModel

/// `rampart inventory`: the resolved hosts, groups and variables, like ansible-inventory.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Show the inventory as Rampart resolves it (secrets masked).",
        discussion: """
        Without options: every host with its address, groups, connection settings and variables
        after precedence. --host H: one host's variables as JSON. --graph: the group tree.

          rampart inventory -i inventories/lab.yml --graph
          rampart inventory -i inventories/lab.yml --host web1
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.")
    var inventoryFile: String?

    @Option(name: .long, help: "Show only this host's resolved variables (JSON).")
    var host: String?

    @Flag(name: .long, help: "Show the groups as a tree.")
    var graph = false

    @Flag(name: .long, help: "Print everything as JSON.")
    var json = false

    func run() throws {
        let inventory = try Diagnostics.loadInventory(path: try ProjectSource.inventory(inventoryFile))
        if let name = host {
            guard let host = inventory.host(named: name) else {
                let hint = Suggestion.didYouMean(name, in: inventory.hosts.map(\.name))
                throw DiagnosticError(.error("host '\(name)' is not in the inventory", hint: hint ?? "see `rampart inventory -i …`"))
            }
            try writeJSON(Value.map(inventory.variables(for: host).vars).jsonObject)
            return
        }
        if graph {
            Terminal.shared.write(Self.graph(inventory))
            return
        }
        if json {
            var hosts: [String: Any] = [:]
            for host in inventory.hosts {
                hosts[host.name] = ["address": host.address,
                                    "groups": inventory.groups(of: host.name).map(\.name),
                                    "connection": Self.connection(inventory.connection(for: host)),
                                    "vars": Value.map(inventory.variables(for: host).vars).jsonObject] as [String: Any]
            }
            var groups: [String: Any] = [:]
            for group in inventory.groups {
                groups[group.name] = ["hosts": inventory.members(of: group.name), "children": group.children] as [String: Any]
            }
            try writeJSON(["hosts": hosts, "groups": groups])
            return
        }
        var text = ""
        for host in inventory.hosts {
            let connection = inventory.connection(for: host)
            text += "\(host.name)  \(host.address)"
            text += "  groups: \(inventory.groups(of: host.name).map(\.name).joined(separator: ", "))\n"
            text += "  ssh \(connection.user ?? "root")@\(host.address):\(connection.port ?? 22)"
            text += connection.become == true ? " (become)\n" : "\n"
            let vars = inventory.variables(for: host).vars
            for key in vars.keys.sorted() { text += "  \(key): \(vars[key]!)\n" }
        }
        Terminal.shared.write(text)
    }

    static func graph(_ inventory: Inventory) -> String {
        var lines = ["@all:"]
        func walk(_ group: Group, _ prefix: String) {
            lines.append("\(prefix)|--@\(group.name):")
            for child in group.children { if let g = inventory.group(named: child) { walk(g, prefix + "|  ") } }
            for host in group.hosts { lines.append("\(prefix)|  |--\(host)") }
        }
        let children = Set(inventory.groups.flatMap(\.children))
        for group in inventory.groups where !children.contains(group.name) { walk(group, "") }
        let grouped = Set(inventory.groups.flatMap(\.hosts))
        for host in inventory.hosts where !grouped.contains(host.name) { lines.append("|--\(host.name)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func connection(_ c: ConnectionSettings) -> [String: Any] {
        var object: [String: Any] = [:]
        if let v = c.user { object["user"] = v }
        if let v = c.port { object["port"] = v }
        if let v = c.key { object["key"] = v }
        if let v = c.knownHosts { object["known_hosts"] = v }
        if let v = c.hostKeyChecking { object["host_key_checking"] = v }
        if let v = c.become { object["become"] = v }
        return object
    }

    private func writeJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        Terminal.shared.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}

extension Value {
    /// The value for JSONSerialization; a secret becomes `(sensitive)`.
    var jsonObject: Any {
        switch self {
        case .string(let s): return s
        case .int(let i): return i
        case .double(let d): return d
        case .bool(let b): return b
        case .list(let items): return items.map(\.jsonObject)
        case .map(let map): return map.mapValues(\.jsonObject)
        case .secret: return Secret.placeholder
        case .null: return NSNull()
        }
    }
}
