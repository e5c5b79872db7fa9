/// A Debian package installed through apt (honouring the host's apt proxy).
public struct PackageResource: ResourceDescription {
    public static let kind = ResourceKind.package
    /// What should be installed: a specific version, the current candidate, or nothing.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable { case present, absent, latest }

    public var name: String
    public var state: State
    /// An exact Debian version (`1.22.1-9`); nil accepts whatever is installed.
    public var version: String?
    /// Whether apt installs the package's Recommends with it; nil: the host's apt default (yes,
    /// as Ansible's apt module). Only the install command: an installed package is not revisited.
    public var installRecommends: Bool?

    public init(_ name: String, state: State = .present, version: String? = nil, installRecommends: Bool? = nil) {
        self.name = name
        self.state = state
        self.version = version
        self.installRecommends = installRecommends
    }
}
