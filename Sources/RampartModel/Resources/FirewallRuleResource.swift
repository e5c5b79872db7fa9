import RampartBasics

/// One allowed inbound flow, declared by the role that opens the port (`firewall_rule: https
/// from the LB`); the host's `firewall` resource gathers every rule on the host into its ruleset.
public struct FirewallRuleResource: ResourceDescription {
    public static let kind = ResourceKind.firewallRule

    /// A label, unique on the host; it becomes the rule's comment.
    public var name: String
    public var rule: FirewallResource.Rule

    public init(_ name: String, ports: [Int], proto: FirewallResource.TransportProtocol = .tcp, from: [String] = ["any"]) {
        self.name = name
        self.rule = FirewallResource.Rule(ports: ports, proto: proto, from: from, comment: name)
    }
}
