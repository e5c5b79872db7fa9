/// A symbolic link at `path` pointing to `target`.
public struct SymlinkResource: ResourceDescription {
    public static let kind = ResourceKind.symlink

    public var path: String
    public var target: String
    public var state: Presence

    public var name: String { path }

    public init(_ path: String, target: String, state: Presence = .present) {
        self.path = path
        self.target = target
        self.state = state
    }
}
