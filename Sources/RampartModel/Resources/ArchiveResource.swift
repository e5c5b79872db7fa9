/// An archive on the host (usually a `download`) unpacked into a folder (Ansible's unarchive):
/// only when the archive's hash differs from the one last unpacked there, or when `creates`
/// is missing. tar (gzip, xz, bzip2, zstd — by its suffix) or zip (needs `unzip`).
public struct ArchiveResource: ResourceDescription {
    public static let kind = ResourceKind.archive

    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        case tar, zip

        /// The format a file name's suffix says (nil: unknown).
        public init?(suffixOf path: String) {
            let name = path.lowercased()
            if name.hasSuffix(".zip") { self = .zip; return }
            let tars = [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst"]
            guard tars.contains(where: { name.hasSuffix($0) }) else { return nil }
            self = .tar
        }
    }

    /// The error of archive `path` whose source's suffix names no format, with how to fix it.
    public static func unknownFormat(of source: String, in path: String) -> (message: String, hint: String) {
        ("archive '\(path)': the format of '\(source)' is not known from its name",
         "say `format: tar` or `format: zip` (tar takes .tar, .tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst)")
    }

    /// The folder it is unpacked into (made when missing).
    public var path: String
    /// The archive on the host.
    public var source: String
    /// nil in a declaration: taken from the source's suffix once it is rendered (the catalog decides).
    public var format: Format?
    /// A path the archive puts there: when it is missing the archive is unpacked again.
    public var creates: String?
    /// Leading path components dropped (tar's --strip-components; tar only).
    public var stripComponents: Int
    /// Owner and group of everything unpacked (nil: root's, tar's --no-same-owner).
    public var owner: String?
    public var group: String?

    public init(_ path: String, source: String, format: Format? = nil, creates: String? = nil, stripComponents: Int = 0,
                owner: String? = nil, group: String? = nil) {
        self.path = path
        self.source = source
        self.format = format
        self.creates = creates
        self.stripComponents = stripComponents
        self.owner = owner
        self.group = group
    }

    public var name: String { path }

}
