import Foundation
import RampartBasics

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
