import Foundation
import RampartBasics
import RampartModel
import Yams

/// One YAML file being read: parses it to nodes with positions and collects every diagnostic,
/// so the user sees all problems at once, each at file:line:col.
final class YAMLSource {
    let path: String
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String) { self.path = path }

    /// The document's root node, or nil after recording why it could not be read.
    func parse() -> Node? {
        guard let data = FileManager.default.contents(atPath: path) else {
            error("cannot read file", hint: "check the path and its permissions", at: nil)
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            error("file is not UTF-8 text", hint: "save it as UTF-8", at: nil)
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                error("file is empty", hint: "an inventory needs at least a `hosts:` mapping", at: nil)
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
        SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func location(_ node: Node) -> SourceLocation { location(node.mark) }

    func error(_ message: String, hint: String?, at location: SourceLocation?) {
        diagnostics.append(.error(message, hint: hint, at: location ?? SourceLocation(file: path, line: 1, column: 1)))
    }

    func error(_ message: String, hint: String? = nil, node: Node) {
        error(message, hint: hint, at: location(node))
    }

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
                let hint = Suggestion.closest(to: key, in: allowed).map { "did you mean '\($0)'?" }
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

    /// Any YAML value as a model `Value`, keeping maps and lists.
    func value(_ node: Node) -> Value {
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
            for (key, item) in mapping { result[key.string ?? ""] = value(item) }
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

/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
