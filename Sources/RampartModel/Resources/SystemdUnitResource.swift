import RampartBasics

/// A systemd unit file or drop-in in /etc/systemd/system, or a mask. systemd re-reads its units
/// (`daemon-reload`, once per host) before anything after the change starts or restarts one.
public struct SystemdUnitResource: ResourceDescription {
    public static let kind = ResourceKind.systemdUnit
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case present, absent
        /// Linked to /dev/null, so nothing can start it (`systemctl mask`).
        case masked
    }

    /// Where administrators' units and drop-ins go (packages' own are in /usr/lib/systemd/system).
    public static let directory = "/etc/systemd/system"
    /// Unit types systemd loads from files.
    public static let types = ["service", "socket", "timer", "path", "mount", "automount", "swap", "target", "slice"]

    /// `backup.service`, `backup.timer`, or a drop-in `mariadb.service.d/rampart.conf`.
    public var name: String
    public var source: FileResource.Source?
    public var state: State

    public init(_ name: String, source: FileResource.Source? = nil, state: State = .present) {
        self.name = name
        self.source = source
        self.state = state
    }

    public var path: String { Self.directory + "/" + name }
    public var isDropIn: Bool { name.contains("/") }
    /// The unit the file configures: `mariadb.service` for `mariadb.service.d/rampart.conf`.
    public var unit: String {
        guard let slash = name.firstIndex(of: "/") else { return name }
        return String(name[..<slash].dropLast(2))
    }
    public var content: SensitiveText? {
        switch source {
        case .content(let text), .rendered(_, let text): return text
        case .template, .copy, nil: return nil
        }
    }

    /// Why `name` is not a unit file or drop-in name (nil when it is one).
    public static func problem(with name: String) -> String? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let unit = parts[0]
        func typed(_ unit: Substring) -> Bool {
            guard let dot = unit.lastIndex(of: "."), dot != unit.startIndex else { return false }
            return types.contains(String(unit[unit.index(after: dot)...]))
        }
        switch parts.count {
        case 1:
            return typed(unit) ? nil : "'\(name)' is not a unit file name (NAME.\(types.joined(separator: "|")))"
        case 2:
            guard unit.hasSuffix(".d"), typed(unit.dropLast(2)) else {
                return "'\(name)' is not a drop-in: its folder must be UNIT.TYPE.d, e.g. mariadb.service.d/rampart.conf"
            }
            guard parts[1].hasSuffix(".conf"), parts[1].count > 5 else {
                return "drop-in '\(name)' must end in .conf (systemd ignores other files there)"
            }
            return nil
        default:
            return "'\(name)' has more than one folder: a unit is NAME.TYPE, a drop-in NAME.TYPE.d/FILE.conf"
        }
    }
}
