import Foundation

/// An Ansible-style `--limit`: comma-separated host names, group names or globs; `!x` excludes.
public struct HostSelection: Sendable, Hashable {
    public var patterns: [String]

    public init(_ expression: String?) {
        patterns = (expression ?? "all").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if patterns.isEmpty { patterns = ["all"] }
    }

    /// Selected hosts in inventory order, or the patterns that matched nothing.
    public func resolve(in inventory: Inventory) -> (hosts: [Host], unmatched: [String]) {
        var included: Set<String> = []
        var excluded: Set<String> = []
        var unmatched: [String] = []
        let includes = patterns.filter { !$0.hasPrefix("!") }
        for raw in (includes.isEmpty ? ["all"] : []) + patterns {
            let negated = raw.hasPrefix("!")
            let pattern = negated ? String(raw.dropFirst()) : raw
            let matches = matching(pattern, in: inventory)
            // A declared group with no hosts (yet) is a valid selection of nothing.
            let declaredGroup = inventory.groups.contains { Self.glob(pattern, $0.name) }
            if matches.isEmpty && raw != "all" && !declaredGroup { unmatched.append(raw) }
            if negated { excluded.formUnion(matches) } else { included.formUnion(matches) }
        }
        let hosts = inventory.hosts.filter { included.contains($0.name) && !excluded.contains($0.name) }
        return (hosts, unmatched)
    }

    private func matching(_ pattern: String, in inventory: Inventory) -> Set<String> {
        if pattern == "all" || pattern == "*" { return Set(inventory.hosts.map(\.name)) }
        var result: Set<String> = []
        for group in inventory.groups + [Group("all")] where Self.glob(pattern, group.name) {
            result.formUnion(inventory.members(of: group.name))
        }
        for host in inventory.hosts where Self.glob(pattern, host.name) { result.insert(host.name) }
        return result
    }

    static func glob(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
