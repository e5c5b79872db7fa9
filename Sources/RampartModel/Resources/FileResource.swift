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
        /// Another file on the same host, copied there (Ansible's `remote_src`): its content never
        /// travels through the control node; without owner/group/mode the copy keeps the source's.
        case copy(from: String)
    }

    public var path: String
    public var source: Source?
    public var owner: String?
    public var group: String?
    /// Octal permission bits as text (`"0644"`) or symbolic (`"go-w"`, see `FileMode`), kept as written.
    public var mode: String?
    /// A checker run on the new file before it replaces the old one; `%s` is the new file's path.
    public var validate: String?
    /// false: the content is written only when the file is missing, then left to whoever owns it
    /// next (Ansible's `force: no`); owner, group and mode, when given, are still kept.
    public var replace: Bool
    public var state: Presence

    public var name: String { path }

    public init(_ path: String, source: Source? = nil, owner: String? = nil, group: String? = nil,
                mode: String? = nil, validate: String? = nil, replace: Bool = true, state: Presence = .present) {
        self.path = path
        self.source = source
        self.owner = owner
        self.group = group
        self.mode = mode
        self.validate = validate
        self.replace = replace
        self.state = state
    }

    /// The host file it is copied from (`copy_from`), if any.
    public var copiedFrom: String? {
        if case .copy(let from)? = source { return from }
        return nil
    }

    /// The concrete content once rendered (nil while it is still a template reference).
    public var content: SensitiveText? {
        switch source {
        case .content(let text), .rendered(_, let text): return text
        case .template, .copy, nil: return nil
        }
    }
}
