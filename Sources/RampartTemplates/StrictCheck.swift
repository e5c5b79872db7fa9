import Foundation
import RampartBasics
import RampartModel
import Stencil

/// Rampart's strictness on top of Stencil (which renders an undefined variable as nothing):
/// every variable a template mentions, in any branch, must be defined for the host (or carry a
/// `default` filter); nothing may make the output differ between runs (`now`, printing a whole
/// map); filters must exist. All problems of a template are reported at once.
struct StrictCheck {
    /// What a loop variable stands for while checking the loop body.
    enum Binding {
        /// Each value the loop variable takes (the iterable was found).
        case elements([Value])
        /// Computed at render time (a filtered iterable): not checked further.
        case unknown
    }

    let library: TemplateLibrary
    let variables: [String: Value]
    let knownFilters: Set<String>
    var diagnostics: [Diagnostic] = []
    /// The variables (by root name) the template reads, in any branch.
    private(set) var roots: Set<String> = []
    /// The packages whose versions it reads (`facts.packages['openssh-server']`): the facts exec must ask for them.
    private(set) var factPackages: Set<String> = []
    /// The keys under `facts` it reads (`cpus`, `users`, …).
    private(set) var factKeys: Set<String> = []
    /// The globs whose matches it reads (`facts.glob['/etc/cron.d/*']`): the facts exec lists them.
    private(set) var factGlobs: Set<String> = []
    private var scopes: [[String: Binding]] = []
    private var including: [String] = []

    static let nondeterministicFilters: Set<String> = ["random", "shuffle"]

    init(library: TemplateLibrary, variables: [String: Value], knownFilters: Set<String>) {
        self.library = library
        self.variables = variables
        self.knownFilters = knownFilters
    }

    mutating func check(tokens: [Token], locate: (Token) -> SourceLocation) {
        for token in tokens {
            switch token.kind {
            case .variable:
                checkExpression(token.contents, token, locate, printed: true)
            case .block:
                checkBlock(token, locate)
            case .text, .comment:
                continue
            }
        }
    }

    private mutating func checkBlock(_ token: Token, _ locate: (Token) -> SourceLocation) {
        let words = token.contents.split(separator: " ", maxSplits: 1).map(String.init)
        guard let tag = words.first else { return }
        let rest = words.count > 1 ? words[1] : ""
        switch tag {
        case "for":
            // for a[, b] in iterable [where condition]
            guard let inRange = rest.range(of: " in ") else { return }
            let loopVariables = rest[..<inRange.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            var iterable = String(rest[inRange.upperBound...])
            var condition: String?
            if let whereRange = iterable.range(of: " where ") {
                condition = String(iterable[whereRange.upperBound...])
                iterable = String(iterable[..<whereRange.lowerBound])
            }
            checkExpression(iterable, token, locate, printed: false)
            var scope: [String: Binding] = ["forloop": .unknown]
            let bindings = elements(of: iterable, loopVariables: loopVariables.count)
            for (index, name) in loopVariables.enumerated() {
                switch bindings {
                case .elements(let values) where loopVariables.count == 1:
                    scope[name] = .elements(values)
                case .elements(let values) where index == 1:
                    scope[name] = .elements(values)   // `for key, value in map`: values
                default:
                    scope[name] = .unknown
                }
            }
            scopes.append(scope)
            if let condition { checkExpression(condition, token, locate, printed: false) }
        case "endfor":
            if !scopes.isEmpty { scopes.removeLast() }
        case "if", "elif", "ifnot":
            checkExpression(rest, token, locate, printed: false)
        case "filter":
            for name in rest.split(separator: "|") {
                let filter = name.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                checkFilter(filter, token, locate)
            }
        case "now":
            diagnostics.append(.error("the `now` tag makes the output change on every run",
                                      hint: "remove it: a changing timestamp would show as drift on every plan",
                                      at: locate(token)))
        case "include", "extends":
            let quoted = rest.split(separator: " ").first.map(String.init) ?? ""
            let name = quoted.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard quoted.first == "\"" || quoted.first == "'" else { return }
            guard let text = library.files[name] else {
                let hint = Suggestion.didYouMean(name, in: Array(library.files.keys))
                    ?? "create \(library.displayPath(name))"
                diagnostics.append(.error("template '\(name)' does not exist", hint: hint, at: locate(token)))
                return
            }
            guard !including.contains(name) else {
                diagnostics.append(.error("template '\(name)' includes itself (\((including + [name]).joined(separator: " → ")))",
                                          hint: "break the include cycle", at: locate(token)))
                return
            }
            including.append(name)
            let template = Template(templateString: text, name: name)
            check(tokens: template.tokens) { [library] inner in
                TemplateRenderer.location(of: inner, file: library.displayPath(name))
            }
            including.removeLast()
        default:
            return
        }
    }

    private mutating func checkFilter(_ name: String, _ token: Token, _ locate: (Token) -> SourceLocation) {
        if Self.nondeterministicFilters.contains(name) {
            diagnostics.append(.error("filter '\(name)' makes the output change between runs",
                                      hint: "sort or choose explicitly: a changing file would show as drift", at: locate(token)))
        } else if !knownFilters.contains(name) {
            let hint = Suggestion.didYouMean(name, in: Array(knownFilters))
                ?? "filters: \(knownFilters.sorted().joined(separator: ", "))"
            diagnostics.append(.error("unknown filter '\(name)'", hint: hint, at: locate(token)))
        }
    }

    private mutating func checkExpression(_ expression: String, _ token: Token, _ locate: (Token) -> SourceLocation,
                                          printed: Bool) {
        let parsed = ExpressionReferences(expression)
        for filter in parsed.filters { checkFilter(filter, token, locate) }
        let isSimplePrint = printed && parsed.references.count == 1
        for reference in parsed.references {
            checkPath(reference, token, locate, printed: isSimplePrint)
        }
    }

    private mutating func checkPath(_ reference: ExpressionReferences.Reference, _ token: Token,
                                    _ locate: (Token) -> SourceLocation, printed: Bool) {
        let components = PathComponent.parse(reference.path)
        for case .dynamic(let inner) in components where ExpressionReferences.isPath(inner) {
            checkPath(.init(path: inner, guarded: false, filters: []), token, locate, printed: false)
        }
        guard case .key(let root)? = components.first else { return }
        let rest = Array(components.dropFirst())
        if root == TemplateRenderer.factsVariable, case .key(let key)? = rest.first {
            factKeys.insert(key)
            if key == "packages", rest.count >= 2, case .key(let name) = rest[1] { factPackages.insert(name) }
            if key == TemplateFacts.globKey, rest.count >= 2, case .key(let glob) = rest[1] {
                if let problem = TemplateFacts.globProblem(glob) {
                    diagnostics.append(.error(problem, hint: TemplateFacts.globHint, at: locate(token)))
                    return
                }
                factGlobs.insert(glob)
                // Not listed yet (the first compile of a catalog that reads it): an empty list until gathered.
                if case .map(let facts)? = variables[root], case .map(let globs)? = facts[key], globs[glob] == nil {
                    roots.insert(root)
                    return
                }
            }
        }
        let candidates: [Value]
        var what = "'\(reference.path)'"
        if let binding = scopes.reversed().lazy.compactMap({ $0[root] }).first {
            guard case .elements(let values) = binding else { return }
            candidates = values
            what += " (for every item the loop takes)"
        } else if let value = variables[root] {
            candidates = [value]
            roots.insert(root)
        } else {
            if reference.guarded { return }
            let names = Array(variables.keys) + scopes.flatMap(\.keys)
            let hint = Suggestion.didYouMean(root, in: names)
                ?? (root == "item" ? "`item` exists only in a resource with `loop:`" : nil)
                ?? (root == "ssh_public_key" ? "it is read from KEY.pub beside the inventory's `connection.key`; create it (ssh-keygen -y -f KEY > KEY.pub)" : nil)
                ?? "define '\(root)' in the inventory's vars, a group or host, the role's defaults, or add `|default:…`"
            diagnostics.append(.error("undefined variable '\(root)'", hint: hint, at: locate(token)))
            return
        }
        for value in candidates {
            switch Self.resolve(rest, in: value) {
            case .missing(let depth):
                if reference.guarded { continue }
                let known = Self.keys(of: Self.resolvePrefix(rest.prefix(depth), in: value))
                var hint = "define it, or add `|default:…`"
                if case .key(let key) = rest[depth], let guess = Suggestion.closest(to: key, in: known) {
                    hint = "did you mean '\(guess)'?"
                }
                diagnostics.append(.error("undefined variable \(what): no '\(Self.describe(rest[depth]))' in '\(root)\(Self.render(rest.prefix(depth)))'",
                                          hint: hint, at: locate(token)))
                return
            case .found(let found):
                if printed && reference.filters.isEmpty {
                    switch found {
                    case .map:
                        diagnostics.append(.error("'\(reference.path)' is a map; printing it directly has no stable format",
                                                  hint: "print its fields, or use `|to_json`", at: locate(token)))
                        return
                    case .list:
                        diagnostics.append(.error("'\(reference.path)' is a list; printing it directly gives Swift's array syntax",
                                                  hint: "use `|join:\", \"` or `|to_json`", at: locate(token)))
                        return
                    default: break
                    }
                }
            case .unknown:
                continue
            }
        }
    }

    // MARK: - Static resolution

    enum Resolution { case found(Value), missing(Int), unknown }

    static func resolve(_ components: [PathComponent], in value: Value) -> Resolution {
        var current = value
        for (depth, component) in components.enumerated() {
            guard case .key(let key) = component else { return .unknown }
            switch current {
            case .map(let map):
                if let next = map[key] { current = next }
                else if key == "count" { current = .int(map.count) }
                else { return .missing(depth) }
            case .list(let items):
                if let index = Int(key) {
                    guard index >= 0 && index < items.count else { return .missing(depth) }
                    current = items[index]
                } else if key == "count" { current = .int(items.count) }
                else if key == "first" || key == "last" {
                    guard let item = key == "first" ? items.first : items.last else { return .missing(depth) }
                    current = item
                } else { return .missing(depth) }
            case .string(let text):
                if key == "count" { current = .int(text.count) } else if key == "first" || key == "last" { current = .string("") }
                else { return .missing(depth) }
            default:
                return .missing(depth)
            }
        }
        return .found(current)
    }

    static func resolvePrefix(_ components: ArraySlice<PathComponent>, in value: Value) -> Value? {
        if case .found(let found) = resolve(Array(components), in: value) { return found }
        return nil
    }

    static func keys(of value: Value?) -> [String] {
        if case .map(let map)? = value { return Array(map.keys) }
        return []
    }

    static func describe(_ component: PathComponent) -> String {
        switch component {
        case .key(let key): return key
        case .dynamic(let inner): return "[\(inner)]"
        }
    }

    static func render(_ components: ArraySlice<PathComponent>) -> String {
        components.map { component in
            switch component {
            case .key(let key): return "." + key
            case .dynamic(let inner): return "[\(inner)]"
            }
        }.joined()
    }

    /// What each loop variable takes when iterating `expression`, if that can be known statically.
    private func elements(of expression: String, loopVariables: Int) -> Binding {
        let parsed = ExpressionReferences(expression)
        guard parsed.references.count == 1, parsed.references[0].filters.isEmpty else { return .unknown }
        let components = PathComponent.parse(parsed.references[0].path)
        guard case .key(let root)? = components.first else { return .unknown }
        let base: [Value]
        if let binding = scopes.reversed().lazy.compactMap({ $0[root] }).first {
            guard case .elements(let values) = binding else { return .unknown }
            base = values
        } else if let value = variables[root] {
            base = [value]
        } else {
            return .unknown
        }
        var result: [Value] = []
        for value in base {
            guard case .found(let found) = Self.resolve(Array(components.dropFirst()), in: value) else { return .unknown }
            switch found {
            case .list(let items): result += items
            case .map(let map):
                // One loop variable over a map takes (key, value) pairs: not checked further.
                guard loopVariables == 2 else { return .unknown }
                result += map.keys.sorted().map { map[$0]! }
            default: return .unknown
            }
        }
        return .elements(result)
    }
}
