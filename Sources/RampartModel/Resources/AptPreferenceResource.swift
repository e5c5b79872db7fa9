/// An apt pin (/etc/apt/preferences.d/NAME): which release the named packages come from.
public struct AptPreferenceResource: ResourceDescription {
    public static let kind = ResourceKind.aptPreference
    public static let directory = "/etc/apt/preferences.d"

    public var name: String
    /// `Package:` — names or globs (`mariadb-*`), `*` for all.
    public var packages: [String]
    /// `Pin:` — `release a=bookworm-backports`, `origin deb.mariadb.org`, `version 1:10.11*`.
    public var pin: String
    public var priority: Int
    public var state: Presence

    public init(_ name: String, packages: [String] = ["*"], pin: String = "", priority: Int = 500, state: Presence = .present) {
        self.name = name
        self.packages = packages
        self.pin = pin
        self.priority = priority
        self.state = state
    }

    public var path: String { "\(Self.directory)/\(name)" }
    public var content: String { "# Managed by Rampart.\nPackage: \(packages.joined(separator: " "))\nPin: \(pin)\nPin-Priority: \(priority)\n" }
}
