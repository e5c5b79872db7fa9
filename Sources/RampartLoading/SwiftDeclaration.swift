import Foundation
import RampartBasics
import RampartModel

/// A document written in Swift (the typed site of `RampartDSL`): the tree a YAML file would
/// hold, each part marked with the Swift file:line:col that declared it.
///
/// It is read by the very loaders that read YAML — written out as YAML text, then parsed — so
/// a site in Swift and the same site in YAML make one model, with one set of run-time checks
/// (a variable that no template defines, a play's pattern that names no host, a certificate's
/// field written wrong) whose diagnostics point into the Swift files.
public indirect enum Declaration: Sendable {
    /// A scalar, list or map value (lists and maps inside it share its location).
    case value(Value, at: SourceLocation?)
    case list([Declaration], at: SourceLocation?)
    /// Keys in the order written (a resource's kind first: the loader reads the kind from it).
    case map([(key: String, value: Declaration)], at: SourceLocation?)

    public var location: SourceLocation? {
        switch self {
        case .value(_, let at), .list(_, let at), .map(_, let at): return at
        }
    }
}

/// Where each line of a Swift declaration's generated YAML was declared (a line with no
/// location of its own belongs to the nearest one above it).
final class DeclaredLines: Sendable {
    let locations: [SourceLocation?]
    let fallback: SourceLocation

    init(locations: [SourceLocation?], fallback: SourceLocation) {
        self.locations = locations
        self.fallback = fallback
    }

    func location(ofLine line: Int) -> SourceLocation {
        var index = min(max(line - 1, 0), locations.count - 1)
        while index >= 0 {
            if let found = locations[index] { return found }
            index -= 1
        }
        return fallback
    }
}

/// The YAML text of a declaration, one node per line, with each line's Swift location.
struct DeclarationWriter {
    private(set) var lines: [String] = []
    private(set) var locations: [SourceLocation?] = []

    static func yaml(_ root: Declaration, fallback: SourceLocation) -> (text: String, lines: DeclaredLines) {
        var writer = DeclarationWriter()
        writer.block(root, indent: 0, inherited: root.location ?? fallback)
        return (writer.lines.joined(separator: "\n") + "\n", DeclaredLines(locations: writer.locations, fallback: fallback))
    }

    private mutating func line(_ text: String, _ location: SourceLocation?) {
        lines.append(text)
        locations.append(location)
    }

    /// A node that starts on its own line at `indent`.
    private mutating func block(_ node: Declaration, indent: Int, inherited: SourceLocation) {
        let pad = String(repeating: " ", count: indent)
        switch Self.normalized(node, inherited) {
        case .map(let entries, let at):
            if entries.isEmpty { return line(pad + "{}", at) }
            for (key, value) in entries {
                let location = value.location ?? at ?? inherited
                if let inline = Self.inline(value) {
                    line(pad + Self.quoted(key) + ": " + inline, location)
                } else {
                    line(pad + Self.quoted(key) + ":", location)
                    block(value, indent: indent + 2, inherited: location)
                }
            }
        case .list(let items, let at):
            if items.isEmpty { return line(pad + "[]", at) }
            for item in items {
                let location = item.location ?? at ?? inherited
                if let inline = Self.inline(item) {
                    line(pad + "- " + inline, location)
                } else {
                    line(pad + "-", location)
                    block(item, indent: indent + 2, inherited: location)
                }
            }
        case .value(let value, let at):
            line(pad + (Self.scalar(value) ?? "null"), at)
        }
    }

    /// Lists and maps inside a `.value` become nodes of their own, at the value's location.
    private static func normalized(_ node: Declaration, _ inherited: SourceLocation) -> Declaration {
        guard case .value(let value, let at) = node else { return node }
        switch value {
        case .list(let items): return .list(items.map { .value($0, at: at ?? inherited) }, at: at)
        case .map(let map): return .map(map.sorted { $0.key < $1.key }.map { ($0.key, .value($0.value, at: at ?? inherited)) }, at: at)
        default: return node
        }
    }

    /// The node on the same line as its key or dash: scalars, and empty lists and maps.
    private static func inline(_ node: Declaration) -> String? {
        switch node {
        case .value(let value, _):
            switch value {
            case .list(let items) where items.isEmpty: return "[]"
            case .map(let map) where map.isEmpty: return "{}"
            case .list, .map: return nil
            default: return scalar(value)
            }
        case .list(let items, _): return items.isEmpty ? "[]" : nil
        case .map(let entries, _): return entries.isEmpty ? "{}" : nil
        }
    }

    /// Text is always double-quoted (never resolved: "0644" and "yes" stay text); numbers and
    /// booleans plain, so the loader types them as YAML's resolver would.
    private static func scalar(_ value: Value) -> String? {
        switch value {
        case .string(let text): return quoted(text)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .secret: return nil  // secrets come from vault files and the environment, never from Swift source
        case .list, .map: return nil
        }
    }

    /// A YAML double-quoted scalar (JSON's escapes are YAML's).
    static func quoted(_ text: String) -> String { "\"" + JSONString.escaped(text) + "\"" }
}

extension InventoryLoader {
    /// An inventory declared in Swift, read as if it were the file `path` (its folder is where
    /// relative paths resolve and where `group_vars/` and `host_vars/` are looked up).
    public func load(declaration: Declaration, path: String) throws -> Inventory {
        let (text, lines) = DeclarationWriter.yaml(declaration, fallback: SourceLocation(file: path, line: 1, column: 1))
        return try load(source: YAMLSource(path: path, text: text, environment: environment, declaredLines: lines))
    }
}

extension PlaybookLoader {
    /// A playbook declared in Swift with all its roles inline, read as if it were the file `path`.
    public func load(declaration: Declaration, path: String) throws -> Playbook {
        let (text, lines) = DeclarationWriter.yaml(declaration, fallback: SourceLocation(file: path, line: 1, column: 1))
        return try load(source: YAMLSource(path: path, text: text, environment: environment, declaredLines: lines))
    }
}
