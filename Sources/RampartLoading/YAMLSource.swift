import Foundation
import RampartBasics
import RampartModel
import Yams

/// One YAML file being read: parses it to nodes with positions and collects every diagnostic,
/// so the user sees all problems at once, each at file:line:col.
final class YAMLSource {
    let path: String
    /// The file's text when the caller already has it (a decrypted vault file); read from `path` otherwise.
    private let text: String?
    let environment: [String: String]
    /// For a document written in Swift (`SwiftDeclaration`): where each line of its generated
    /// YAML was declared, so every diagnostic names the Swift file:line:col.
    let declaredLines: DeclaredLines?
    private(set) var diagnostics: [Diagnostic] = []
    /// Nodes `value` may still visit: YAML aliases can make a small file expand without bound.
    private var valueBudget = 1_000_000

    init(path: String, text: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
         declaredLines: DeclaredLines? = nil) {
        self.path = path
        self.text = text
        self.environment = environment
        self.declaredLines = declaredLines
    }

    /// The document's root node, or nil after recording why it could not be read.
    func parse(emptyHint: String = "an inventory needs at least a `hosts:` mapping") -> Node? {
        var text = self.text
        if text == nil {
            guard let data = FileManager.default.contents(atPath: path) else {
                error("cannot read file", hint: "check the path and its permissions", at: nil)
                return nil
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                error("file is not UTF-8 text", hint: "save it as UTF-8", at: nil)
                return nil
            }
            text = decoded
        }
        do {
            guard let node = try Yams.compose(yaml: text!) else {
                error("file is empty", hint: emptyHint, at: nil)
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            recordSyntaxError(yamlError)
            return nil
        } catch {
            self.error("cannot parse YAML: \(error)", hint: nil, at: nil)
            return nil
        }
    }

    private func recordSyntaxError(_ yamlError: YamlError) {
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let what = context.map { "\($0.text): \(problem)" } ?? problem
            error("YAML syntax: \(what)", hint: "check indentation and quoting around this point",
                  at: location(mark))
        case .reader(let problem, _, _, _):
            error("YAML reader: \(problem)", hint: "the file must be UTF-8 text", at: nil)
        default:
            error("YAML: \(yamlError)", hint: nil, at: nil)
        }
    }

    func location(_ mark: Mark?) -> SourceLocation {
        if let declaredLines { return declaredLines.location(ofLine: mark?.line ?? 1) }
        return SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func location(_ node: Node) -> SourceLocation { location(node.mark) }

    func error(_ message: String, hint: String?, at location: SourceLocation?) {
        diagnostics.append(.error(message, hint: hint, at: location ?? self.location(nil as Mark?)))
    }

    func error(_ message: String, hint: String? = nil, node: Node) {
        error(message, hint: hint, at: location(node))
    }

    func warning(_ message: String, hint: String? = nil, node: Node) {
        diagnostics.append(.warning(message, hint: hint, at: location(node)))
    }

    func discardDiagnostics() { diagnostics = [] }
    /// Forgets what was recorded after the first `count` diagnostics.
    func dropDiagnostics(after count: Int) { diagnostics.removeSubrange(min(count, diagnostics.count)...) }

    /// Diagnostics found elsewhere (another file) that belong to this load.
    func absorb(_ other: [Diagnostic]) { diagnostics += other }

    // MARK: - Typed reads

    /// The mapping's entries after checking every key is allowed (suggesting the closest one).
    func mapping(_ node: Node, what: String, allowed: [String]) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping (key: value lines)", hint: "found \(Self.describe(node))", node: node)
            return nil
        }
        var seen: [String: Node] = [:]
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                error("\(what) has a key that is not text", node: keyNode)
                continue
            }
            if seen[key] != nil {
                let first = seen[key].map { location($0).description } ?? "?"
                error("duplicate key '\(key)' in \(what)", hint: "first defined at \(first); keep one", node: keyNode)
                continue
            }
            seen[key] = keyNode
            if !allowed.isEmpty && !allowed.contains(key) {
                let hint = Suggestion.didYouMean(key, in: allowed)
                    ?? "allowed keys: \(allowed.joined(separator: ", "))"
                error("unknown key '\(key)' in \(what)", hint: hint, node: keyNode)
                continue
            }
            entries.append((key, keyNode, value))
        }
        return entries
    }

    func string(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node, node.null == nil, scalar.tag != Tag(.map) else {
            error("\(what) must be text", hint: "found \(Self.describe(node))", node: node)
            return nil
        }
        return scalar.string
    }

    func int(_ node: Node, what: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            error("\(what) must be a whole number", hint: "found \(Self.describe(node))", node: node)
            return nil
        }
        guard range.contains(value) else {
            error("\(what) must be between \(range.lowerBound) and \(range.upperBound)", hint: "found \(value)", node: node)
            return nil
        }
        return value
    }

    func double(_ node: Node, what: String) -> Double? {
        guard case .scalar = node, let value = node.float, value > 0 else {
            error("\(what) must be a positive number of seconds", hint: "found \(Self.describe(node))", node: node)
            return nil
        }
        return value
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard case .scalar = node, let value = node.bool else {
            error("\(what) must be true or false", hint: "found \(Self.describe(node))", node: node)
            return nil
        }
        return value
    }

    func stringList(_ node: Node, what: String) -> [(String, Node)] {
        guard case .sequence(let sequence) = node else {
            error("\(what) must be a list", hint: "write it as [a, b] or one '- item' per line; found \(Self.describe(node))", node: node)
            return []
        }
        return sequence.compactMap { item in string(item, what: "an entry of \(what)").map { ($0, item) } }
    }

    /// Any YAML value as a model `Value`, keeping maps and lists. `!env NAME` reads a secret
    /// from the environment.
    func value(_ node: Node) -> Value {
        valueBudget -= 1
        if valueBudget == 0 {
            error("the document is too large after expanding YAML aliases", hint: "do not nest aliases (`*name`) of big anchors", node: node)
        }
        if valueBudget <= 0 { return .null }
        if node.tag.description == "!env" {
            guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
                error("`!env` takes the name of an environment variable", hint: "write `password: !env APP_DB_PASSWORD`", node: node)
                return .null
            }
            guard let found = environment[scalar.string] else {
                error("environment variable \(scalar.string) is not set", hint: "export \(scalar.string) before running rampart, or move the value into a vault file", node: node)
                return .null
            }
            return .secret(Secret(found))
        }
        switch node {
        case .scalar(let scalar):
            // Only plain scalars are typed, and only by the resolver's tag: `host:8888` stays text
            // even though YAML 1.1 could read it as a base-60 number.
            guard scalar.style == .plain else { return .string(scalar.string) }
            let tag = node.tag
            if tag == Tag(.null) { return .null }
            if tag == Tag(.bool) { return node.bool.map(Value.bool) ?? .string(scalar.string) }
            if tag == Tag(.int) { return Int(scalar.string).map(Value.int) ?? .string(scalar.string) }
            if tag == Tag(.float) { return Double(scalar.string).map(Value.double) ?? .string(scalar.string) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .list(sequence.map(value))
        case .mapping(let mapping):
            var result: [String: Value] = [:]
            for (key, item) in mapping {
                guard let name = key.string, case .scalar = key else {
                    error("a map key must be text", hint: "found \(Self.describe(key))", node: key)
                    continue
                }
                if result[name] != nil {
                    error("duplicate key '\(name)'", hint: "keep one", node: key)
                }
                result[name] = value(item)
            }
            return .map(result)
        @unknown default:
            return .null
        }
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return node.null != nil ? "nothing (null)" : "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        @unknown default: return "an alias"
        }
    }
}


extension YAMLSource {
    /// A text value that must be one of `choices` (an enum's raw values).
    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, what: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let text = string(node, what: what) else { return nil }
        if let value = T(rawValue: text) { return value }
        let choices = T.allCases.map(\.rawValue)
        let hint = Suggestion.didYouMean(text, in: choices)
            ?? "choose one of: \(choices.joined(separator: ", "))"
        error("\(what) must be one of \(choices.joined(separator: ", "))", hint: hint, node: node)
        return nil
    }

    /// Octal permission bits written as quoted text ("0644"), or chmod's symbolic clauses
    /// ("u+x,go-w"): a bare 0644 means different numbers in YAML 1.1 and 1.2, the classic
    /// Ansible pitfall, so it is refused.
    func mode(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node else { _ = string(node, what: what); return nil }
        if scalar.style == .plain && node.tag == Tag(.int) {
            error("\(what) must be quoted, e.g. \"0\(scalar.string.drop(while: { $0 == "0" }))\"",
                  hint: "a bare number like 0644 is read as octal by some YAML versions and decimal by others", node: node)
            return nil
        }
        let text = scalar.string
        if let problem = FileMode.problem(text) {
            error("\(what) \(problem)", hint: "found '\(text)'", node: node)
            return nil
        }
        return FileMode.isOctal(text) && text.count == 3 ? "0" + text : text
    }
}
