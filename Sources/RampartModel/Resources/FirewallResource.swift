/// An nftables ruleset for the host: default policies plus allowed inbound traffic.
public struct FirewallResource: ResourceDescription {
    public static let kind = ResourceKind.firewall
    public enum Policy: String, Sendable, Hashable, Codable, CaseIterable { case drop, accept }
    public enum TransportProtocol: String, Sendable, Hashable, Codable, CaseIterable { case tcp, udp }

    /// One allowed inbound flow.
    public struct Rule: Sendable, Hashable, Codable {
        public var ports: [Int]
        public var proto: TransportProtocol
        /// Sources: `any`, an address or CIDR, `host:NAME` or `group:NAME` from the inventory.
        public var from: [String]
        public var comment: String?

        public init(ports: [Int], proto: TransportProtocol = .tcp, from: [String] = ["any"], comment: String? = nil) {
            self.ports = ports
            self.proto = proto
            self.from = from
            self.comment = comment
        }
    }

    /// The nftables table name.
    public var name: String
    public var input: Policy
    public var forward: Policy
    public var rules: [Rule]
    /// Seconds after which the host restores its previous ruleset unless Rampart confirms.
    public var confirmWithin: Int

    public init(_ name: String = "rampart", input: Policy = .drop, forward: Policy = .drop, rules: [Rule] = [],
                confirmWithin: Int = 60) {
        self.name = name
        self.input = input
        self.forward = forward
        self.rules = rules
        self.confirmWithin = confirmWithin
    }
}
