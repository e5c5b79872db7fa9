import RampartModel

/// `firewall:` — the host's nftables ruleset: input and forward dropped except loopback,
/// established traffic, essential ICMP and the `FirewallRule`s of the host's roles. A change is
/// checked, then confirmed over a new SSH connection or rolled back by the host.
public struct Firewall: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias Policy = FirewallResource.Policy

    public init(_ name: String, input: Policy? = nil, forward: Policy? = nil, confirmWithin seconds: Int? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["input"] = input.map { .string($0.rawValue) }
        fields["forward"] = forward.map { .string($0.rawValue) }
        fields["confirm_within"] = seconds.map(Value.int)
        declared = DeclaredResource("firewall", name, fields, at)
    }
}

/// Where a firewall rule lets traffic in from.
public struct TrafficSource: Sendable {
    let text: String
    /// Every address.
    public static let any = TrafficSource(text: "any")
    /// The addresses of a group's hosts, as the inventory has them when planned.
    public static func group(_ group: Group) -> TrafficSource { TrafficSource(text: "group:\(group.name)") }
    /// One host's address.
    public static func host(_ host: Host) -> TrafficSource { TrafficSource(text: "host:\(host.name)") }
    /// An address or network (`"10.0.0.0/8"`, or a template such as `"{{ admin_network }}"`), checked when loaded.
    public static func network(_ cidr: String) -> TrafficSource { TrafficSource(text: cidr) }
}

/// `firewall_rule:` — traffic a role needs let in, gathered into the host's `Firewall`.
public struct FirewallRule: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias TransportProtocol = FirewallResource.TransportProtocol

    public init(_ name: String, port: Port, proto: TransportProtocol? = nil, from: [TrafficSource]? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.init(name, ports: [port], single: true, proto: proto, from: from, at: SwiftLocation(file: file, line: line, column: column))
    }

    public init(_ name: String, ports: [Port], proto: TransportProtocol? = nil, from: [TrafficSource]? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.init(name, ports: ports, single: false, proto: proto, from: from, at: SwiftLocation(file: file, line: line, column: column))
    }

    private init(_ name: String, ports: [Port], single: Bool, proto: TransportProtocol?, from: [TrafficSource]?, at: SwiftLocation) {
        var fields = DeclaredFields(at)
        if single { fields["port"] = .int(Int(ports[0].number)) } else { fields["ports"] = .list(ports.map { .int(Int($0.number)) }) }
        fields["proto"] = proto.map { .string($0.rawValue) }
        fields["from"] = from.map { .strings($0.map(\.text)) }
        declared = DeclaredResource("firewall_rule", name, fields, at)
    }
}

/// `sysctl:` — a kernel setting, now and at boot.
public struct Sysctl: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ key: String, value: String, persist: Bool? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["value"] = .string(value)
        fields["persist"] = persist.map(Value.bool)
        declared = DeclaredResource("sysctl", key, fields, at)
    }
}
