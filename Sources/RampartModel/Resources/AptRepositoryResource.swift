/// A package source in deb822 form (/etc/apt/sources.list.d/NAME.sources), with its signing
/// key in /etc/apt/keyrings (from the control node, its fingerprint pinned) or a keyring the
/// host has. A changed source gets one `apt-get update` before the next install.
public struct AptRepositoryResource: ResourceDescription {
    public static let kind = ResourceKind.aptRepository
    public static let sourcesDirectory = "/etc/apt/sources.list.d"
    public static let keyringsDirectory = "/etc/apt/keyrings"

    /// The file's stem: `mariadb` → /etc/apt/sources.list.d/mariadb.sources.
    public var name: String
    public var types: [String]
    public var uris: [String]
    /// Empty: the host's own codename (`bookworm`), from its facts.
    public var suites: [String]
    public var components: [String]
    public var architectures: [String]
    /// An ASCII-armored key file under `templates/` on the control node (nil: `signedBy` or none).
    public var key: String?
    /// The key's text once the catalog read it.
    public var keyText: String?
    /// The primary key's fingerprint the key file must have (40 hex digits, spaces allowed).
    public var fingerprint: String?
    /// A keyring already on the host (`/usr/share/keyrings/debian-archive-keyring.gpg`).
    public var signedBy: String?
    public var state: Presence

    public init(_ name: String, types: [String] = ["deb"], uris: [String] = [], suites: [String] = [], components: [String] = ["main"],
                architectures: [String] = [], key: String? = nil, fingerprint: String? = nil, signedBy: String? = nil,
                state: Presence = .present) {
        self.name = name
        self.types = types
        self.uris = uris
        self.suites = suites
        self.components = components
        self.architectures = architectures
        self.key = key
        self.fingerprint = fingerprint
        self.signedBy = signedBy
        self.state = state
    }

    /// A fingerprint as 40 upper-case hex digits (spaces dropped), nil when it is not one.
    public static func normalizedFingerprint(_ text: String) -> String? {
        let hex = text.filter { $0 != " " }.uppercased()
        return hex.count == 40 && hex.allSatisfy(\.isHexDigit) ? hex : nil
    }

    public var sourcesPath: String { Self.sourcesPath(name) }
    public var keyPath: String { Self.keyPath(name) }
    public static func sourcesPath(_ name: String) -> String { "\(sourcesDirectory)/\(name).sources" }
    public static func keyPath(_ name: String) -> String { "\(keyringsDirectory)/\(name).asc" }

    /// The .sources file for a host whose codename is `codename`.
    public func sources(codename: String) -> String {
        var lines = ["# Managed by Rampart.", "Types: \(types.joined(separator: " "))", "URIs: \(uris.joined(separator: " "))",
                     "Suites: \((suites.isEmpty ? [codename] : suites).joined(separator: " "))"]
        if !components.isEmpty { lines.append("Components: \(components.joined(separator: " "))") }
        if !architectures.isEmpty { lines.append("Architectures: \(architectures.joined(separator: " "))") }
        if let signed = keyText != nil || key != nil ? keyPath : signedBy { lines.append("Signed-By: \(signed)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
