import RampartModel

/// `file:` — a file whose content Rampart owns (inline, a template, or copied on the host),
/// only its metadata (`.present`), an empty one made if missing (`.touch`), or none (`.absent`).
public struct File: ResourceDeclaration {
    public var declared: DeclaredResource

    public enum Content: Sendable {
        /// Text (it may hold `{{ templates }}`).
        case text(String)
        /// A Stencil file under `templates/`.
        case template(String)
        /// Another file on the same host.
        case copy(from: String)
    }

    public enum State: String, Sendable { case present, absent, touch }

    public init(_ path: String, _ content: Content, owner: String? = nil, group: String? = nil, mode: FileMode? = nil,
                validate: String? = nil, replace: Bool? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        switch content {
        case .text(let text): fields["content"] = .string(text)
        case .template(let name): fields["template"] = .string(name)
        case .copy(let source): fields["copy_from"] = .string(source)
        }
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        fields["mode"] = mode.map { .string($0.text) }
        fields["validate"] = validate.map(Value.string)
        fields["replace"] = replace.map(Value.bool)
        declared = DeclaredResource("file", path, fields, at)
    }

    /// A file without content of Rampart's: its metadata, made empty if missing, or removed.
    public init(_ path: String, state: State, owner: String? = nil, group: String? = nil, mode: FileMode? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["state"] = .string(state.rawValue)
        fields["mode"] = mode.map { .string($0.text) }
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        declared = DeclaredResource("file", path, fields, at)
    }
}

/// `directory:`.
public struct Directory: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ path: String, owner: String? = nil, group: String? = nil, mode: FileMode? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        fields["mode"] = mode.map { .string($0.text) }
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("directory", path, fields, at)
    }
}

/// `symlink:`.
public struct Symlink: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ path: String, target: String, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["target"] = .string(target)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("symlink", path, fields, at)
    }
}

/// `line:` — one line of a file Rampart does not own whole: the line `match` finds replaced, or
/// added (after or before the first line a pattern finds, else at the end); `.absent` removes
/// the lines `match` finds.
public struct Line: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, path: String, text: String, match: String? = nil, after: String? = nil, before: String? = nil,
                create: Bool? = nil, validate: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["path"] = .string(path)
        fields["match"] = match.map(Value.string)
        fields["text"] = .string(text)
        fields["after"] = after.map(Value.string)
        fields["before"] = before.map(Value.string)
        fields["create"] = create.map(Value.bool)
        fields["validate"] = validate.map(Value.string)
        declared = DeclaredResource("line", name, fields, at)
    }

    /// The lines `match` finds, removed.
    public init(_ name: String, path: String, match: String, state: Presence, validate: String? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["path"] = .string(path)
        fields["match"] = .string(match)
        fields["state"] = .string(state.rawValue)
        fields["validate"] = validate.map(Value.string)
        declared = DeclaredResource("line", name, fields, at)
    }
}

/// `block:` — a marked block of a file Rampart does not own whole (`.absent`: the block removed).
public struct Block: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, path: String, content: String, marker: String? = nil, after: String? = nil, before: String? = nil,
                create: Bool? = nil, validate: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["path"] = .string(path)
        fields["content"] = .string(content)
        fields["marker"] = marker.map(Value.string)
        fields["after"] = after.map(Value.string)
        fields["before"] = before.map(Value.string)
        fields["create"] = create.map(Value.bool)
        fields["validate"] = validate.map(Value.string)
        declared = DeclaredResource("block", name, fields, at)
    }

    public init(_ name: String, path: String, marker: String? = nil, state: Presence,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["path"] = .string(path)
        fields["marker"] = marker.map(Value.string)
        fields["state"] = .string(state.rawValue)
        declared = DeclaredResource("block", name, fields, at)
    }
}
