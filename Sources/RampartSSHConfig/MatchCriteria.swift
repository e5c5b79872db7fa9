import RampartBasics

/// A `Match` line's criteria, parsed once; evaluated per host by `SSHConfigResolver`.
struct MatchCriteria: Sendable {
    enum Attribute: String, Sendable { case all, canonical, final, exec, host, originalhost, user, localuser }

    struct Criterion: Sendable {
        var attribute: Attribute
        var negated: Bool
        var argument: String?
    }

    var criteria: [Criterion]
    /// `Match final` asks for a second pass over the files once the host name is known.
    var wantsFinalPass: Bool { criteria.contains { $0.attribute == .final } }

    static func parse(_ line: SSHConfigLine) throws -> MatchCriteria {
        var criteria: [Criterion] = []
        var arguments = line.arguments[...]
        while let word = arguments.popFirst() {
            let negated = word.hasPrefix("!")
            let name = (negated ? String(word.dropFirst()) : word).lowercased()
            guard let attribute = Attribute(rawValue: name) else {
                throw SSHConfigError("Match \(word) is not a criterion Rampart knows", at: line.location,
                                     hint: "use all, canonical, final, exec, host, originalhost, user or localuser")
            }
            switch attribute {
            case .all:
                guard criteria.filter({ $0.attribute != .canonical && $0.attribute != .final }).isEmpty, arguments.isEmpty else {
                    throw SSHConfigError("Match all cannot be combined with other criteria", at: line.location)
                }
                criteria.append(Criterion(attribute: .all, negated: negated, argument: nil))
            case .canonical, .final:
                criteria.append(Criterion(attribute: attribute, negated: negated, argument: nil))
            default:
                guard let argument = arguments.popFirst() else {
                    throw SSHConfigError("Match \(word) needs a value", at: line.location, hint: "write `Match \(word) PATTERN`")
                }
                criteria.append(Criterion(attribute: attribute, negated: negated, argument: argument))
            }
        }
        guard !criteria.isEmpty else { throw SSHConfigError("Match needs one or more criteria", at: line.location) }
        return MatchCriteria(criteria: criteria)
    }
}
