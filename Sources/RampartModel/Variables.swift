import RampartBasics

/// Two or more unrelated groups of one host set the same variable to different values, and
/// nothing more specific (the host, or a child group) decides between them.
public struct VariableConflict: Sendable, Hashable {
    public var variable: String
    public var host: String
    /// The groups that disagree, in inventory order.
    public var groups: [String]
}

extension Inventory {
    /// The variables of `host` after precedence: the host beats a child group, a child group
    /// beats its parent group, any group beats the inventory's `vars`. Unrelated groups that
    /// disagree are reported as conflicts (the first in inventory order is used meanwhile).
    public func variables(for host: Host) -> (vars: [String: Value], conflicts: [VariableConflict]) {
        var result = vars
        var conflicts: [VariableConflict] = []
        let memberOf = groups(of: host.name)
        let names = Set(memberOf.flatMap { $0.vars.keys })
        for name in names.sorted() where host.vars[name] == nil {
            let ordered = winningGroups(setting: name, among: memberOf)
            let values = Set(ordered.compactMap { $0.vars[name] })
            if values.count > 1 {
                conflicts.append(VariableConflict(variable: name, host: host.name, groups: ordered.map(\.name)))
            }
            result[name] = ordered.first?.vars[name]
        }
        for (name, value) in host.vars { result[name] = value }
        return (result, conflicts)
    }

    /// Where the value `variables(for: host)` gives `name` was written: the host's vars, the
    /// deciding group's, or the inventory's; nil when the inventory does not set it.
    public func origin(ofVariable name: String, for host: Host) -> SourceLocation? {
        let field = Provenance.variableField(name)
        if host.vars[name] != nil { return host.declared.location(of: field) }
        if let group = winningGroups(setting: name, among: groups(of: host.name)).first { return group.declared.location(of: field) }
        return vars[name] != nil ? declared.location(of: field) : nil
    }

    /// The groups whose value of `name` counts, in inventory order: a group loses to any of
    /// its descendants that also sets the variable (more than one left is a conflict).
    private func winningGroups(setting name: String, among memberOf: [Group]) -> [Group] {
        let setters = memberOf.filter { $0.vars[name] != nil }
        let winners = setters.filter { candidate in !setters.contains { isAncestor(candidate.name, of: $0.name) } }
        return groups.filter { g in winners.contains { $0.name == g.name } }
    }
}

extension Value {
    /// The value at `key` when this is a map.
    public subscript(key: String) -> Value? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    /// True when the value is or contains a secret.
    public var containsSecret: Bool {
        switch self {
        case .secret: return true
        case .list(let items): return items.contains { $0.containsSecret }
        case .map(let map): return map.values.contains { $0.containsSecret }
        default: return false
        }
    }

    /// Every leaf turned into a secret: what a vault file's or an environment secret's values become.
    public var markedSecret: Value {
        switch self {
        case .list(let items): return .list(items.map(\.markedSecret))
        case .map(let map): return .map(map.mapValues(\.markedSecret))
        case .secret, .null: return self
        default: return .secret(Secret(description))
        }
    }
}
