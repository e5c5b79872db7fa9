/// A local group (`group:` in YAML; named apart from inventory groups).
public struct UnixGroupResource: ResourceDescription {
    public static let kind = ResourceKind.group

    public var name: String
    public var gid: Int?
    public var system: Bool
    public var state: Presence

    public init(_ name: String, gid: Int? = nil, system: Bool = false, state: Presence = .present) {
        self.name = name
        self.gid = gid
        self.system = system
        self.state = state
    }
}
