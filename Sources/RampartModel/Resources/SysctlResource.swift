/// A kernel parameter, set now and persisted in `/etc/sysctl.d/`.
public struct SysctlResource: ResourceDescription {
    public static let kind = ResourceKind.sysctl

    /// The dotted key, e.g. `net.core.somaxconn`.
    public var key: String
    public var value: String
    /// Also write it to `/etc/sysctl.d/` so it survives a reboot.
    public var persist: Bool

    public var name: String { key }

    public init(_ key: String, value: String, persist: Bool = true) {
        self.key = key
        self.value = value
        self.persist = persist
    }
}
