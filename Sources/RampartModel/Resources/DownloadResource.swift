/// A file fetched from a URL (Ansible's get_url), pinned by its sha256: fetched only when the
/// file on the host does not have that hash, and never installed unless the bytes match it.
public struct DownloadResource: ResourceDescription {
    public static let kind = ResourceKind.download

    /// Who fetches it.
    public enum Fetcher: String, Sendable, Hashable, Codable, CaseIterable {
        /// The host itself, with curl or wget (the host must reach the URL).
        case host
        /// The control node (curl), kept in its download cache by hash, then sent over SSH:
        /// for hosts that cannot reach the URL, and to fetch once for many hosts.
        case control
    }

    /// Where the file goes on the host.
    public var path: String
    public var url: String
    /// The file's SHA-256, lowercase hex: required (a download without one is not reproducible).
    public var sha256: String
    public var owner: String?
    public var group: String?
    public var mode: String?
    public var via: Fetcher
    public var state: Presence

    public init(_ path: String, url: String, sha256: String, owner: String? = nil, group: String? = nil, mode: String? = nil,
                via: Fetcher = .host, state: Presence = .present) {
        self.path = path
        self.url = url
        self.sha256 = sha256
        self.owner = owner
        self.group = group
        self.mode = mode
        self.via = via
        self.state = state
    }

    public var name: String { path }

    /// URL schemes a download takes.
    public static let schemes = ["https", "http", "ftp"]

    /// The error of download `path` whose `url` Rampart does not fetch, with how to fix it (nil: fine).
    public static func urlError(_ url: String, of path: String) -> (message: String, hint: String)? {
        problem(url: url).map { ("`url` of download '\(path)': \($0)", "e.g. `url: https://example.org/tool-1.2.tar.gz`") }
    }

    /// The error of download `path` whose `sha256` is not one, with how to fix it (nil: fine).
    public static func sha256Error(_ sha256: String, of path: String) -> (message: String, hint: String)? {
        problem(sha256: sha256).map {
            ("`sha256` of download '\(path)': \($0)", "take it from the vendor's checksum file, or run `sha256sum` on a copy you trust")
        }
    }

    /// Why `url` is not one Rampart fetches (nil when it is).
    public static func problem(url: String) -> String? {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return "'\(url)' is not a URL (scheme://host/path)" }
        let scheme = url[..<colon].lowercased()
        guard schemes.contains(scheme) else { return "scheme '\(scheme)' is not one of \(schemes.joined(separator: ", "))" }
        let rest = url[url.index(colon, offsetBy: 3)...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.isEmpty { return "'\(url)' names no host" }
        // Credentials in a URL would be in the plan, the step's arguments and logs.
        if authority.contains("@") { return "'\(url)' holds credentials (user@): a secret must not be in a URL" }
        if url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) { return "'\(url)' holds a blank or control character" }
        return nil
    }

    /// Why `sha256` is not a SHA-256 in hex (nil when it is).
    public static func problem(sha256: String) -> String? {
        sha256.count == 64 && sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) ? nil : "a SHA-256 is 64 lowercase hex digits (as `sha256sum` prints)"
    }
}
