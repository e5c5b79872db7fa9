/// A systemd service: enabled at boot or not, running or stopped, and how it picks up changes.
public struct ServiceResource: ResourceDescription {
    public static let kind = ResourceKind.service
    public enum State: String, Sendable, Hashable, Codable, CaseIterable { case running, stopped }
    /// What happens when a subscribed resource changed.
    public enum Refresh: String, Sendable, Hashable, Codable, CaseIterable { case reload, restart }

    public var name: String
    public var state: State
    /// nil leaves the boot setting alone.
    public var enabled: Bool?
    public var refresh: Refresh

    /// The unit a service name stands for, as systemctl reads it: `nginx` → `nginx.service`.
    public static func unit(_ name: String) -> String { name.contains(".") ? name : name + ".service" }

    public init(_ name: String, state: State = .running, enabled: Bool? = true, refresh: Refresh = .restart) {
        self.name = name
        self.state = state
        self.enabled = enabled
        self.refresh = refresh
    }
}
