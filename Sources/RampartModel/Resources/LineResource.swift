import Foundation
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

/// A marked block of lines in a file Rampart does not own whole (Ansible's blockinfile): kept
/// between `BEGIN` and `END` marker lines, inserted after/before a match the first time.
public struct BlockResource: ResourceDescription {
    public static let kind = ResourceKind.block
    /// The default marker; `{mark}` becomes BEGIN or END, `{name}` the block's name.
    public static let defaultMarker = "# {mark} RAMPART MANAGED BLOCK: {name}"

    public var name: String
    public var path: String
    /// The block's lines (may hold a secret); a final newline is added when missing.
    public var content: SensitiveText
    public var marker: String
    public var anchor: LineResource.Anchor
    public var create: Bool
    public var validate: String?
    public var state: Presence

    public init(_ name: String, path: String, content: SensitiveText = SensitiveText(""), marker: String = BlockResource.defaultMarker,
                anchor: LineResource.Anchor = .endOfFile, create: Bool = false, validate: String? = nil, state: Presence = .present) {
        self.name = name
        self.path = path
        self.content = content
        self.marker = marker
        self.anchor = anchor
        self.create = create
        self.validate = validate
        self.state = state
    }

    /// The BEGIN or END marker line.
    public func markerLine(_ mark: String) -> String {
        marker.replacingOccurrences(of: "{mark}", with: mark).replacingOccurrences(of: "{name}", with: name)
    }
}

/// Whether a text is a regular expression the edits can use (Swift Regex, PCRE-like syntax).
public enum RegularExpressionCheck {
    /// nil when `pattern` compiles, else the parser's reason.
    public static func problem(_ pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }
}
