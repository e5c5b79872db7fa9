/// The variable references in one Stencil expression (`a.b|default:c`, `x == y and not z`),
/// found without evaluating it, so strictness does not depend on which branch runs.
struct ExpressionReferences: Equatable {
    /// One variable path and whether a `default` filter excuses it being undefined.
    struct Reference: Equatable {
        var path: String
        var guarded: Bool
        /// Filters applied to it, in order.
        var filters: [String]
    }

    var references: [Reference] = []
    /// Filter names used anywhere, to check they exist and are deterministic.
    var filters: [String] = []

    static let keywords: Set<String> = ["and", "or", "not", "in", "if", "else", "true", "false", "nil", "where"]

    init(_ expression: String) {
        let terms = Self.terms(expression)
        var index = 0
        var operand: Int?          // index in `references` of the last operand
        var expectingFilter = false
        var inArguments = false
        while index < terms.count {
            let term = terms[index]
            index += 1
            switch term {
            case "|":
                expectingFilter = true
                inArguments = false
            case ":":
                inArguments = true
            case ",":
                continue
            default:
                if expectingFilter {
                    expectingFilter = false
                    filters.append(term)
                    if let operand {
                        references[operand].filters.append(term)
                        if term == "default" { references[operand].guarded = true }
                    }
                    continue
                }
                guard Self.isPath(term) else {
                    // An operator or keyword ends a filter's argument list.
                    if !Self.isLiteral(term) { inArguments = false }
                    continue
                }
                if Self.keywords.contains(term) {
                    inArguments = false
                    continue
                }
                references.append(Reference(path: term, guarded: false, filters: []))
                if !inArguments { operand = references.count - 1 }
            }
        }
    }

    static func isLiteral(_ term: String) -> Bool {
        term.first == "\"" || term.first == "'" || Double(term) != nil
    }

    static func isPath(_ term: String) -> Bool {
        guard let first = term.unicodeScalars.first else { return false }
        return first == "_" || (first.properties.isAlphabetic)
    }

    /// Splits an expression into string literals, paths (with `.x` and `[..]` parts), numbers,
    /// operators and the punctuation `| : ,`.
    static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < chars.count && chars[j] != c { j += 1 }
                terms.append(String(chars[i..<min(j + 1, chars.count)]))
                i = j + 1
                continue
            }
            if c == "|" || c == ":" || c == "," { terms.append(String(c)); i += 1; continue }
            if c.isLetter || c == "_" || c.isNumber || c == "-" && i + 1 < chars.count && chars[i + 1].isNumber {
                var j = i + 1
                var depth = 0
                while j < chars.count {
                    let d = chars[j]
                    if d == "[" { depth += 1 } else if d == "]" { depth -= 1 }
                    if depth > 0 || d.isLetter || d.isNumber || d == "_" || d == "." || d == "]" { j += 1; continue }
                    break
                }
                terms.append(String(chars[i..<j]))
                i = j
                continue
            }
            // Operators: ==, !=, <=, >=, <, >, and anything else one character at a time.
            var j = i + 1
            while j < chars.count && "=!<>".contains(chars[j]) && "=!<>".contains(c) { j += 1 }
            terms.append(String(chars[i..<j]))
            i = j
        }
        return terms
    }
}

/// One step of a variable path: `a.b[c].0` is key a, key b, dynamic c, key 0.
enum PathComponent: Equatable {
    case key(String)
    /// A subscript by another variable: its value is unknown until rendering.
    case dynamic(String)

    static func parse(_ path: String) -> [PathComponent] {
        var result: [PathComponent] = []
        var current = ""
        var chars = Array(path)[...]
        while let c = chars.popFirst() {
            switch c {
            case ".":
                if !current.isEmpty { result.append(.key(current)) }
                current = ""
            case "[":
                if !current.isEmpty { result.append(.key(current)) }
                current = ""
                var inner = ""
                var depth = 1
                while let d = chars.popFirst() {
                    if d == "[" { depth += 1 }
                    if d == "]" { depth -= 1; if depth == 0 { break } }
                    inner.append(d)
                }
                if let first = inner.first, first == "\"" || first == "'" {
                    result.append(.key(String(inner.dropFirst().dropLast())))
                } else if Int(inner) != nil {
                    result.append(.key(inner))
                } else {
                    result.append(.dynamic(inner))
                }
            default:
                current.append(c)
            }
        }
        if !current.isEmpty { result.append(.key(current)) }
        return result
    }
}
