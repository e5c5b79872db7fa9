import RampartBasics

/// A regular file with content from a template or inline text, written atomically.
public struct FileResource: ResourceDescription {
    public static let kind = ResourceKind.file

    /// Where the content comes from.
    public enum Source: Sendable, Hashable, Codable {
        /// Inline text (itself a template while declared in a role).
        case content(SensitiveText)
        /// A file under `templates/`, rendered for each host by the catalog.
        case template(String)
        /// The result of rendering `template` for one host.
        case rendered(template: String, text: SensitiveText)
    }

    public var path: String
    public var source: Source?
    public var owner: String?
    public var group: String?
    /// Octal permission bits as text (`"0644"`), kept as written.
    public var mode: String?
    /// A checker run on the new file before it replaces the old one; `%s` is the new file's path.
    public var validate: String?
    public var state: Presence

    public var name: String { path }

    public init(_ path: String, source: Source? = nil, owner: String? = nil, group: String? = nil,
                mode: String? = nil, validate: String? = nil, state: Presence = .present) {
        self.path = path
        self.source = source
        self.owner = owner
        self.group = group
        self.mode = mode
        self.validate = validate
        self.state = state
    }

    /// The concrete content once rendered (nil while it is still a template reference).
    public var content: SensitiveText? {
        switch source {
        case .content(let text), .rendered(_, let text): return text
        case .template, nil: return nil
        }
    }
}
