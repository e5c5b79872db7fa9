/// The host's time zone: /etc/localtime linked to its zoneinfo file, /etc/timezone naming it.
public struct TimezoneResource: ResourceDescription {
    public static let kind = ResourceKind.timezone
    /// `Europe/Paris`, `UTC`.
    public var name: String
    public init(_ name: String) { self.name = name }
    public var zoneinfo: String { "/usr/share/zoneinfo/\(name)" }
    public static let localtime = "/etc/localtime", timezoneFile = "/etc/timezone"
}
