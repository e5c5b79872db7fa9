import RampartBasics

/// A filesystem: its line in /etc/fstab and, by `state`, whether it is mounted
/// (ansible.posix.mount's states). Identified by the mount point.
public struct MountResource: ResourceDescription {
    public static let kind = ResourceKind.mount
    public static let fstab = "/etc/fstab"

    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// In fstab and mounted (the mount point made when missing); remounted when its entry changed.
        case mounted
        /// In fstab only (mounted at the next boot).
        case present
        /// Not mounted; fstab left as it is.
        case unmounted
        /// Out of fstab, not mounted, the (empty) mount point removed.
        case absent
    }

    /// The mount point.
    public var path: String
    /// What is mounted: a device, `UUID=…`, `LABEL=…`, `server:/export`, `tmpfs`.
    public var source: String
    public var fstype: String
    /// fstab's fourth field, comma-separated (`defaults`).
    public var options: String
    public var dump: Int
    public var passno: Int
    public var state: State

    public init(_ path: String, source: String, fstype: String, options: String = "defaults", dump: Int = 0, passno: Int = 0,
                state: State = .mounted) {
        self.path = path
        self.source = source
        self.fstype = fstype
        self.options = options
        self.dump = dump
        self.passno = passno
        self.state = state
    }

    public var name: String { path }

    /// Whether fstab should hold the entry (nil: left as it is).
    public var inFstab: Bool? {
        switch state {
        case .mounted, .present: return true
        case .absent: return false
        case .unmounted: return nil
        }
    }

    /// The entry as fstab(5) writes it: fields separated by one space, blanks in fields octal-escaped.
    public var fstabLine: String {
        [MountTableField.escaped(source), MountTableField.escaped(path), fstype, options, String(dump), String(passno)].joined(separator: " ")
    }

    /// The error of mount `path` whose `opts` fstab cannot hold, with how to fix it (nil: fine).
    public static func optionsError(_ options: String, of path: String) -> (message: String, hint: String)? {
        problem(options: options).map { ("`opts` of mount '\(path)' \($0)", "e.g. `opts: noatime,nodev,nosuid`") }
    }

    /// The error of mount `path` whose `src` or `fstype` (`field`) fstab cannot hold (nil: fine).
    public static func fieldError(_ field: String, _ value: String, of path: String) -> (message: String, hint: String)? {
        guard value.isEmpty || (field == "fstype" && value.contains(where: \.isWhitespace)) || value.contains("\n") else { return nil }
        return ("`\(field)` of mount '\(path)' is empty or holds a blank", "fstab's fields are single words")
    }

    /// Why `options` is not an fstab options field (nil when it is).
    public static func problem(options: String) -> String? {
        if options.isEmpty { return "is empty (write `defaults`)" }
        if options.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) { return "holds a blank: options are comma-separated, no spaces" }
        return nil
    }
}
