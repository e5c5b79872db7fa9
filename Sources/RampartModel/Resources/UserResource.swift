/// A local user account.
public struct UserResource: ResourceDescription {
    public static let kind = ResourceKind.user

    public var name: String
    public var uid: Int?
    /// Primary group; nil lets `useradd` choose.
    public var group: String?
    /// Supplementary groups, exactly (others are removed).
    public var groups: [String]
    public var home: String?
    public var shell: String?
    /// A system account (no aging, uid from the system range).
    public var system: Bool
    public var state: Presence

    public init(_ name: String, uid: Int? = nil, group: String? = nil, groups: [String] = [], home: String? = nil,
                shell: String? = nil, system: Bool = false, state: Presence = .present) {
        self.name = name
        self.uid = uid
        self.group = group
        self.groups = groups
        self.home = home
        self.shell = shell
        self.system = system
        self.state = state
    }
}
