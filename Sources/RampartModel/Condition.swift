import RampartBasics

/// A `when:` condition: a small expression language, as in Ansible's `when` — `and`, `or`,
/// `not`, parentheses, `== != < <= > >=`, `in` / `not in`, `is [not] defined`, and the version
/// test `is version('12', '>=')` (Debian's version ordering). Paths name variables
/// (`nginx_enabled`, `hostvars['db1'].address`) or gathered facts (`facts.os.id`).
///
/// The catalog evaluates what it can (variables) and keeps the rest — the parts over facts,
/// the variables in them already replaced by their values — for the planner, which has the facts.
public indirect enum Condition: Sendable, Hashable, Codable, CustomStringConvertible {
    case literal(Value)
    /// A variable or fact (the catalog replaces the variables the host has by their values).
    case path([String])
    case list([Condition])
    case not(Condition)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case compare(Condition, Comparison, Condition)
    /// `x is [not] NAME(args)`.
    case test(Condition, name: String, arguments: [Condition], negated: Bool)

    public enum Comparison: String, Sendable, Hashable, Codable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case `in`, notIn = "not in"
    }

    /// The tests `is` takes.
    public static let tests = ["defined", "undefined", "version"]

    public var description: String {
        switch self {
        case .literal(.string(let s)): return "'\(s)'"
        case .literal(let v): return v.description
        case .path(let p): return p.enumerated().map { $0.offset == 0 ? $0.element : (Self.isIdentifier($0.element) ? ".\($0.element)" : "['\($0.element)']") }.joined()
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .not(let c): return "not \(c.parenthesized)"
        case .and(let a, let b): return "\(a.parenthesized) and \(b.parenthesized)"
        case .or(let a, let b): return "\(a.parenthesized) or \(b.parenthesized)"
        case .compare(let a, let op, let b): return "\(a.parenthesized) \(op.rawValue) \(b.parenthesized)"
        case .test(let c, let name, let args, let negated):
            return "\(c.parenthesized) is \(negated ? "not " : "")\(name)" + (args.isEmpty ? "" : "(" + args.map(\.description).joined(separator: ", ") + ")")
        }
    }

    private var parenthesized: String {
        switch self {
        case .and, .or, .compare, .not, .test: return "(\(description))"
        default: return description
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Every path the condition reads, in order.
    public var paths: [[String]] {
        switch self {
        case .literal: return []
        case .path(let p): return [p]
        case .list(let items): return items.flatMap(\.paths)
        case .not(let c): return c.paths
        case .and(let a, let b), .or(let a, let b), .compare(let a, _, let b): return a.paths + b.paths
        case .test(let c, _, let args, _): return c.paths + args.flatMap(\.paths)
        }
    }

    /// Both must hold (nil stands for "always").
    public static func all(_ conditions: [Condition?]) -> Condition? {
        conditions.compactMap { $0 }.reduce(nil) { sum, next in sum.map { .and($0, next) } ?? next }
    }
}

// MARK: - Evaluation

extension Condition {
    /// What evaluating came to: a value, or "known after apply" (a fact not gathered yet).
    public enum Outcome: Sendable, Hashable {
        case value(Value)
        case undefined
        case unknown
    }

    public struct Failure: Error, Sendable, Hashable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// True, false, or nil when it depends on something known only after apply. `resolve`
    /// answers a path (nil: undefined).
    public func holds(_ resolve: ([String]) -> Outcome) throws -> Bool? {
        switch try evaluate(resolve) {
        case .unknown: return nil
        case .undefined: throw Failure("the condition reads something undefined: \(firstUndefined(resolve) ?? description)")
        case .value(let v): return try Self.truth(v, description)
        }
    }

    private func firstUndefined(_ resolve: ([String]) -> Outcome) -> String? {
        paths.first { resolve($0) == .undefined }.map { Condition.path($0).description }
    }

    static func truth(_ value: Value, _ what: String) throws -> Bool {
        switch value {
        case .bool(let b): return b
        case .null: return false
        case .string(let s): return !s.isEmpty
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .list(let l): return !l.isEmpty
        case .map(let m): return !m.isEmpty
        case .secret: throw Failure("a condition cannot test a secret (\(what))")
        }
    }

    func evaluate(_ resolve: ([String]) -> Outcome) throws -> Outcome {
        switch self {
        case .literal(let v): return .value(v)
        case .path(let p): return resolve(p)
        case .list(let items):
            var values: [Value] = []
            for item in items {
                switch try item.evaluate(resolve) {
                case .value(let v): values.append(v)
                case .unknown: return .unknown
                case .undefined: throw Failure("a list in the condition holds something undefined: \(item)")
                }
            }
            return .value(.list(values))
        case .not(let c):
            switch try c.evaluate(resolve) {
            case .value(let v): return .value(.bool(!(try Self.truth(v, c.description))))
            case .unknown: return .unknown
            case .undefined: throw Failure("\(c) is undefined")
            }
        case .and(let a, let b):
            let left = try a.decide(resolve)
            if left == false { return .value(.bool(false)) }
            let right = try b.decide(resolve)
            if right == false { return .value(.bool(false)) }
            return left == nil || right == nil ? .unknown : .value(.bool(true))
        case .or(let a, let b):
            let left = try a.decide(resolve)
            if left == true { return .value(.bool(true)) }
            let right = try b.decide(resolve)
            if right == true { return .value(.bool(true)) }
            return left == nil || right == nil ? .unknown : .value(.bool(false))
        case .test(let c, let name, let args, let negated):
            let subject = try c.evaluate(resolve)
            var result: Bool
            switch name {
            case "defined", "undefined":
                if subject == .unknown { return .unknown }
                result = (subject != .undefined) == (name == "defined")
            case "version":
                guard case .value(let v) = subject else {
                    if subject == .unknown { return .unknown }
                    throw Failure("\(c) is undefined, so it has no version")
                }
                let values = try args.map { arg -> Value in
                    guard case .value(let a) = try arg.evaluate(resolve) else { throw Failure("the arguments of version() must be known: \(arg)") }
                    return a
                }
                guard let first = values.first, values.count <= 2 else { throw Failure("version() takes a version and an operator: version('12', '>=')") }
                let op = values.count == 2 ? values[1].description : "=="
                result = try DebianVersion.compare(Self.versionText(v), Self.versionText(first), op)
            default:
                throw Failure("unknown test '\(name)' (tests: \(Self.tests.joined(separator: ", ")))")
            }
            return .value(.bool(negated ? !result : result))
        case .compare(let a, let op, let b):
            let left = try a.evaluate(resolve), right = try b.evaluate(resolve)
            if left == .unknown || right == .unknown { return .unknown }
            guard case .value(let l) = left, case .value(let r) = right else {
                throw Failure("\(left == .undefined ? a : b) is undefined (test it with `is defined` first)")
            }
            return .value(.bool(try Self.compare(l, op, r, self.description)))
        }
    }

    private func decide(_ resolve: ([String]) -> Outcome) throws -> Bool? {
        switch try evaluate(resolve) {
        case .value(let v): return try Self.truth(v, description)
        case .unknown: return nil
        case .undefined: throw Failure("\(self) is undefined")
        }
    }

    static func versionText(_ value: Value) throws -> String {
        switch value {
        case .string(let s): return s
        case .int, .double: return value.description
        default: throw Failure("\(value) is not a version")
        }
    }

    static func compare(_ l: Value, _ op: Comparison, _ r: Value, _ what: String) throws -> Bool {
        switch op {
        case .in, .notIn:
            let found: Bool
            switch r {
            case .list(let items): found = items.contains { equal(l, $0) }
            case .map(let map): guard case .string(let key) = l else { throw Failure("only text is looked up in a map: \(what)") }; found = map[key] != nil
            case .string(let text): guard case .string(let part) = l else { throw Failure("only text is looked for in text: \(what)") }; found = text.contains(part)
            default: throw Failure("`in` needs a list, a map or text on its right: \(what)")
            }
            return op == .in ? found : !found
        case .equal: return equal(l, r)
        case .notEqual: return !equal(l, r)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            switch (l, r) {
            case (.string(let a), .string(let b)): order = a < b ? -1 : a == b ? 0 : 1
            default:
                guard let a = number(l), let b = number(r) else {
                    throw Failure("\(what) compares \(l) with \(r): order needs two numbers or two texts (versions: `is version('12', '>=')`)")
                }
                order = a < b ? -1 : a == b ? 0 : 1
            }
            switch op {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Jinja's equality: numbers by value, everything else by type and value ("12" != 12).
    static func equal(_ l: Value, _ r: Value) -> Bool {
        if let a = number(l), let b = number(r) { return a == b }
        return l == r
    }
}

// MARK: - Partial evaluation (the catalog)

extension Condition {
    /// The condition with every path outside `keep` (a variable) replaced by its value, so only
    /// the kept ones (facts) — and variables the host does not have, by name — are left to look up.
    public func substituting(_ lookup: ([String]) -> Value?, keep: ([String]) -> Bool) -> Condition {
        switch self {
        case .literal: return self
        case .path(let p): return keep(p) ? self : lookup(p).map { .literal($0) } ?? self
        case .list(let items): return .list(items.map { $0.substituting(lookup, keep: keep) })
        case .not(let c): return .not(c.substituting(lookup, keep: keep))
        case .and(let a, let b): return .and(a.substituting(lookup, keep: keep), b.substituting(lookup, keep: keep))
        case .or(let a, let b): return .or(a.substituting(lookup, keep: keep), b.substituting(lookup, keep: keep))
        case .compare(let a, let op, let b): return .compare(a.substituting(lookup, keep: keep), op, b.substituting(lookup, keep: keep))
        case .test(let c, let name, let args, let negated):
            return .test(c.substituting(lookup, keep: keep), name: name, arguments: args.map { $0.substituting(lookup, keep: keep) }, negated: negated)
        }
    }

    /// The same condition with what no longer depends on anything folded away (`true and x` → `x`).
    public func simplified() -> Condition {
        let t = Condition.literal(.bool(true)), f = Condition.literal(.bool(false))
        switch self {
        case .and(let a, let b):
            let a = a.simplified(), b = b.simplified()
            if a == f || b == f { return f }
            return a == t ? b : b == t ? a : .and(a, b)
        case .or(let a, let b):
            let a = a.simplified(), b = b.simplified()
            if a == t || b == t { return t }
            return a == f ? b : b == f ? a : .or(a, b)
        case .not(let c):
            let c = c.simplified()
            if c == t { return f }
            if c == f { return t }
            return .not(c)
        case .compare, .test:
            // Nothing left to look up: its value (an error stays for the evaluation to report).
            if paths.isEmpty, let value = try? holds({ _ in .undefined }) { return .literal(.bool(value)) }
            return self
        default: return self
        }
    }
}
