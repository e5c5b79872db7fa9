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
            let setters = memberOf.filter { $0.vars[name] != nil }
            // A group loses to any of its descendants that also sets the variable.
            let winners = setters.filter { candidate in
                !setters.contains { isAncestor(candidate.name, of: $0.name) }
            }
            let ordered = groups.filter { g in winners.contains { $0.name == g.name } }
            let values = Set(ordered.compactMap { $0.vars[name] })
            if values.count > 1 {
                conflicts.append(VariableConflict(variable: name, host: host.name, groups: ordered.map(\.name)))
            }
            result[name] = ordered.first?.vars[name]
        }
        for (name, value) in host.vars { result[name] = value }
        return (result, conflicts)
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
