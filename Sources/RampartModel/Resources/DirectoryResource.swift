/// A directory with owner, group and mode.
public struct DirectoryResource: ResourceDescription {
    public static let kind = ResourceKind.directory

    public var path: String
    public var owner: String?
    public var group: String?
    public var mode: String?
    public var state: Presence

    public var name: String { path }

    public init(_ path: String, owner: String? = nil, group: String? = nil, mode: String? = nil,
                state: Presence = .present) {
        self.path = path
        self.owner = owner
        self.group = group
        self.mode = mode
        self.state = state
    }
}
