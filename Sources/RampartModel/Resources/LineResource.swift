import RampartBasics

/// One line of a file Rampart does not own whole (Ansible's lineinfile): present — the last line
/// matching `match` replaced by `text`, or `text` inserted after/before a match when it is not
/// there yet — or absent (every matching line removed). Pruning leaves an edit in place; say
/// `state: absent` to take a line out.
public struct LineResource: ResourceDescription {
    public static let kind = ResourceKind.line

    /// Where an insertion goes when `match` finds nothing.
    public enum Anchor: Sendable, Hashable, Codable {
        /// After the last line matching the expression.
        case after(String)
        /// Before the first line matching the expression.
        case before(String)
        case endOfFile, startOfFile
    }

    /// A label for the edit (`PASS_MAX_DAYS in login.defs`).
    public var name: String
    public var path: String
    /// The line, without its newline (may hold a secret).
    public var text: SensitiveText?
    /// A regular expression the line to replace (or remove) matches; nil: the exact text.
    public var match: String?
    public var anchor: Anchor
    /// Create the file when missing (else it is an error: the file belongs to someone else).
    public var create: Bool
    public var validate: String?
    public var state: Presence

    public init(_ name: String, path: String, text: SensitiveText? = nil, match: String? = nil, anchor: Anchor = .endOfFile,
                create: Bool = false, validate: String? = nil, state: Presence = .present) {
        self.name = name
        self.path = path
        self.text = text
        self.match = match
        self.anchor = anchor
        self.create = create
        self.validate = validate
        self.state = state
    }
}

/// Whether a text is a regular expression the edits can use (Swift Regex, PCRE-like syntax).
public enum RegularExpressionCheck {
    /// nil when `pattern` compiles, else the parser's reason.
    public static func problem(_ pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }
}
