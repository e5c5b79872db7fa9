import RampartBasics

/// Reads a `when:` expression into a `Condition`; errors name the column (1-based) in the text.
public struct ConditionParser {
    public struct Failure: Error, Sendable, Hashable {
        public var message: String
        /// 1-based column in the expression.
        public var column: Int
    }

    enum Token: Equatable {
        case name(String), string(String), number(Value), symbol(String), end
    }

    private var tokens: [(Token, Int)] = []
    private var position = 0

    public static func parse(_ text: String) throws -> Condition {
        var parser = ConditionParser()
        parser.tokens = try tokenize(text)
        let condition = try parser.orExpression()
        guard case .end = parser.peek else { throw parser.failure("unexpected \(parser.describe(parser.peek)) after a complete condition") }
        return condition
    }

    static func tokenize(_ text: String) throws -> [(Token, Int)] {
        let chars = Array(text)
        var result: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            if c == "'" || c == "\"" {
                var j = i + 1, s = ""
                while j < chars.count && chars[j] != c {
                    if chars[j] == "\\" && j + 1 < chars.count { j += 1 }
                    s.append(chars[j]); j += 1
                }
                guard j < chars.count else { throw Failure(message: "a quoted text is not closed", column: column) }
                result.append((.string(s), column)); i = j + 1; continue
            }
            if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber && !(result.last.map { if case .name = $0.0 { true } else if case .number = $0.0 { true } else { false } } ?? false)) {
                var j = i + 1
                while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                let word = String(chars[i..<j])
                if let n = Int(word) { result.append((.number(.int(n)), column)) }
                else if let d = Double(word) { result.append((.number(.double(d)), column)) }
                else { throw Failure(message: "'\(word)' is not a number (quote a version: '1.4.0')", column: column) }
                i = j; continue
            }
            if c.isLetter || c == "_" {
                var j = i + 1
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                result.append((.name(String(chars[i..<j])), column)); i = j; continue
            }
            let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
            if ["==", "!=", "<=", ">="].contains(two) { result.append((.symbol(two), column)); i += 2; continue }
            if "<>()[].,".contains(c) { result.append((.symbol(String(c)), column)); i += 1; continue }
            if c == "=" { throw Failure(message: "'=' assigns; compare with '=='", column: column) }
            if c == "&" || c == "|" { throw Failure(message: "write `and` / `or` (filters are not part of conditions)", column: column) }
            throw Failure(message: "unexpected character '\(c)'" + (c == "/" ? " (quote a path: facts.files['/etc/x'])" : ""), column: column)
        }
        result.append((.end, chars.count + 1))
        return result
    }

    private var peek: Token { tokens[position].0 }
    private var column: Int { tokens[position].1 }
    private mutating func advance() -> Token { defer { position += 1 }; return tokens[position].0 }
    private func failure(_ message: String) -> Failure { Failure(message: message, column: column) }

    private func describe(_ token: Token) -> String {
        switch token {
        case .name(let n): return "'\(n)'"
        case .string(let s): return "'\(s)'"
        case .number(let n): return n.description
        case .symbol(let s): return "'\(s)'"
        case .end: return "the end"
        }
    }

    private mutating func keyword(_ word: String) -> Bool {
        if case .name(word) = peek { position += 1; return true }
        return false
    }

    private mutating func symbol(_ s: String) -> Bool {
        if case .symbol(s) = peek { position += 1; return true }
        return false
    }

    private mutating func expect(_ s: String) throws {
        guard symbol(s) else { throw failure("expected '\(s)', found \(describe(peek))") }
    }

    mutating func orExpression() throws -> Condition {
        var left = try andExpression()
        while keyword("or") { left = .or(left, try andExpression()) }
        return left
    }

    mutating func andExpression() throws -> Condition {
        var left = try notExpression()
        while keyword("and") { left = .and(left, try notExpression()) }
        return left
    }

    mutating func notExpression() throws -> Condition {
        if keyword("not") { return .not(try notExpression()) }
        return try comparison()
    }

    mutating func comparison() throws -> Condition {
        let left = try primary()
        if keyword("is") {
            let negated = keyword("not")
            let testColumn = column
            guard case .name(let test) = advance() else { position -= 1; throw failure("`is` needs a test: \(Condition.tests.joined(separator: ", "))") }
            guard Condition.tests.contains(test) else {
                position -= 1
                throw failure("unknown test '\(test)'" + (Suggestion.closest(to: test, in: Condition.tests).map { " (did you mean '\($0)'?)" } ?? "; tests: \(Condition.tests.joined(separator: ", "))"))
            }
            var arguments: [Condition] = []
            if symbol("(") {
                if !symbol(")") {
                    repeat { arguments.append(try orExpression()) } while symbol(",")
                    try expect(")")
                }
            }
            if test == "version" && (arguments.isEmpty || arguments.count > 2) {
                throw Failure(message: "version takes a version and an operator: `is version('12', '>=')`", column: testColumn)
            }
            return .test(left, name: test, arguments: arguments, negated: negated)
        }
        let op: Condition.Comparison?
        switch peek {
        case .symbol(let s): op = Condition.Comparison(rawValue: s)
        case .name("in"): op = .in
        case .name("not"):
            if case .name("in") = tokens[position + 1].0 { position += 1; op = .notIn } else { op = nil }
        default: op = nil
        }
        guard let op else { return left }
        position += 1
        return .compare(left, op, try primary())
    }

    mutating func primary() throws -> Condition {
        let start = column
        switch advance() {
        case .string(let s): return .literal(.string(s))
        case .number(let n): return .literal(n)
        case .symbol("("):
            let inner = try orExpression()
            try expect(")")
            return inner
        case .symbol("["):
            var items: [Condition] = []
            if !symbol("]") {
                repeat { items.append(try orExpression()) } while symbol(",")
                try expect("]")
            }
            return .list(items)
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None", "null": return .literal(.null)
            case "and", "or", "is", "in": throw Failure(message: "'\(name)' needs something before it", column: start)
            default: break
            }
            var path = [name]
            while true {
                if symbol(".") {
                    guard case .name(let key) = advance() else { position -= 1; throw failure("a name must follow '.'") }
                    path.append(key)
                } else if case .symbol("[") = peek {
                    position += 1
                    switch advance() {
                    case .string(let key): path.append(key)
                    case .number(let n): path.append(n.description)
                    default: position -= 1; throw failure("write a key in quotes: ['/etc/nginx/nginx.conf']")
                    }
                    try expect("]")
                } else { break }
            }
            return .path(path)
        case .end: throw Failure(message: "the condition ends where a value is expected", column: start)
        case let token: throw Failure(message: "expected a value, found \(describe(token))", column: start)
        }
    }
}

/// Debian's version ordering (dpkg's: `[epoch:]upstream[-revision]`, `~` before everything,
/// letters before other symbols), so `10.11.6-0+deb12u1 < 1:10.11.6` holds and `9.2p1 > 9.0`.
/// Written here because no kept library offers it; checked against `dpkg --compare-versions`.
public enum DebianVersion {
    public static let operators = ["<", "lt", "<=", "le", ">", "gt", ">=", "ge", "==", "=", "eq", "!=", "ne"]

    public static func compare(_ a: String, _ b: String, _ op: String) throws -> Bool {
        let order = compare(a, b)
        switch op {
        case "<", "lt": return order < 0
        case "<=", "le": return order <= 0
        case ">", "gt": return order > 0
        case ">=", "ge": return order >= 0
        case "==", "=", "eq": return order == 0
        case "!=", "ne": return order != 0
        default: throw Condition.Failure("unknown version operator '\(op)' (use one of \(operators.joined(separator: " ")))")
        }
    }

    /// -1, 0 or 1.
    public static func compare(_ a: String, _ b: String) -> Int {
        let (ea, ua, ra) = split(a), (eb, ub, rb) = split(b)
        if ea != eb { return ea < eb ? -1 : 1 }
        let upstream = part(ua, ub)
        return upstream != 0 ? upstream : part(ra, rb)
    }

    static func split(_ v: String) -> (Int, String, String) {
        var rest = Substring(v)
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let e = Int(rest[..<colon]) { epoch = e; rest = rest[rest.index(after: colon)...] }
        if let dash = rest.lastIndex(of: "-") { return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...])) }
        return (epoch, String(rest), "")
    }

    static func weight(_ c: Character?) -> Int {
        guard let c else { return 0 }
        if c == "~" { return -1 }
        if c.isLetter { return Int(c.asciiValue ?? 0) }
        return Int(c.asciiValue ?? 0) + 256
    }

    static func part(_ a: String, _ b: String) -> Int {
        var x = Array(a)[...], y = Array(b)[...]
        while !x.isEmpty || !y.isEmpty {
            // Non-digits first, character by character.
            while (x.first.map { !$0.isNumber } ?? false) || (y.first.map { !$0.isNumber } ?? false) {
                let wx = weight(x.first.flatMap { $0.isNumber ? nil : $0 }), wy = weight(y.first.flatMap { $0.isNumber ? nil : $0 })
                if wx != wy { return wx < wy ? -1 : 1 }
                if x.first.map({ !$0.isNumber }) ?? false { x = x.dropFirst() }
                if y.first.map({ !$0.isNumber }) ?? false { y = y.dropFirst() }
            }
            let dx = x.prefix { $0.isNumber }, dy = y.prefix { $0.isNumber }
            x = x.dropFirst(dx.count); y = y.dropFirst(dy.count)
            let nx = Int(String(dx.drop { $0 == "0" })) ?? 0, ny = Int(String(dy.drop { $0 == "0" })) ?? 0
            if nx != ny { return nx < ny ? -1 : 1 }
        }
        return 0
    }
}
