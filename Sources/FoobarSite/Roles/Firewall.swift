import RampartDSL

private let nftables = Package("nftables")

/// nftables on every host: the rules the host's other roles declare, SSH from the admin network.
let firewall = Role("firewall", summary: "nftables on every host — input and forward dropped except loopback, established traffic, essential ICMP, SSH from the admin network, and the `firewall_rule`s the host's other roles declare. A change is checked (`nft -c`), then confirmed over a new SSH connection or rolled back by the host within confirm_within seconds.",
                    required: ["admin_network"]) {
    nftables
    Firewall("rampart").requires(nftables)
    FirewallRule("ssh from the admin network", port: 22, from: [.network("{{ admin_network }}")])
}

/// The node exporter on every host (:9100), reachable only from the monitoring hosts.
let nodeExporter = Role("node-exporter", summary: "The node exporter on every host (Debian's prometheus-node-exporter, :9100), reachable only from the monitoring hosts.") {
    FirewallRule("node exporter from monitoring", port: 9100, from: [.group(monitoring)])
    // Without its Recommends: the collectors' perl, smartmontools, ipmitool … that nothing here scrapes.
    Package("prometheus-node-exporter", installRecommends: false)
    Service("prometheus-node-exporter")
}
