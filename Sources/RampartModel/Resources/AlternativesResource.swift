/// Which program a Debian alternatives group points at (`update-alternatives --set`): `editor`
/// → /usr/bin/vim.basic. The group's status becomes manual, as the command makes it.
public struct AlternativesResource: ResourceDescription {
    public static let kind = ResourceKind.alternatives
    /// The group: `editor`, `pager`, `x-www-browser`.
    public var name: String
    public var path: String
    public init(_ name: String, path: String) {
        self.name = name
        self.path = path
    }
}
