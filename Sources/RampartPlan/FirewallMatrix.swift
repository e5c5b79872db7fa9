import Foundation
import RampartModel

/// Who must reach what, from the compiled firewalls: for every source (the control node and each
/// host) and every target host with a firewall, each port any firewall of the site mentions is
/// expected open exactly when one of the target's rules lets that source in. `rampart verify`
/// probes it from every source; pure, so the expectation is tested as data.
public struct FirewallMatrix: Sendable {
    public struct Probe: Sendable, Hashable {
        public var target: String
        public var address: String
        public var port: Int
        public var expectedOpen: Bool
    }

    /// Target host → its rules (sources resolved to addresses).
    public let rules: [String: [FirewallResource.Rule]]
    public let addresses: [String: String]
    public let ports: [Int]

    public init(catalog: Catalog) {
        var rules: [String: [FirewallResource.Rule]] = [:]
        var addresses: [String: String] = [:]
        for host in catalog.hosts {
            addresses[host.host] = host.address
            var hostRules: [FirewallResource.Rule]?
            for resource in host.resources {
                switch resource.spec {
                case .firewall(let f): hostRules = (hostRules ?? []) + f.rules
                case .firewallRule(let r): hostRules = (hostRules ?? []) + [r.rule]
                default: continue
                }
            }
            // Rules without a firewall resource filter nothing: such a host is not probed.
            if let hostRules, host.resources.contains(where: { if case .firewall = $0.spec { return true }; return false }) {
                rules[host.host] = hostRules
            }
        }
        self.rules = rules
        self.addresses = addresses
        self.ports = Array(Set(rules.values.flatMap { $0.flatMap(\.ports) } + [22])).sorted()
    }

    /// What `source` (an address) must and must not reach; its own host is skipped.
    public func probes(from source: String, skipping own: String? = nil) -> [Probe] {
        rules.keys.sorted().filter { $0 != own }.flatMap { target in
            ports.map { port in
                let open = rules[target]!.contains { rule in
                    rule.ports.contains(port) && (rule.from.contains("any") || rule.from.contains { Self.contains($0, source) })
                }
                return Probe(target: target, address: addresses[target] ?? target, port: port, expectedOpen: open)
            }
        }
    }

    /// A shell script that tries every probe at once (xargs -P, 2 s each; bash's /dev/tcp) and
    /// prints `ADDRESS PORT open|closed` lines. (xargs rather than `&` + `wait`: a shell started
    /// by the Swift runtime can miss SIGCHLD and wait forever.)
    public static func script(_ probes: [Probe]) -> String {
        let list = probes.map { "\($0.address) \($0.port)" }.joined(separator: "\n")
        return "printf '%s\\n' '\(list.replacingOccurrences(of: "\n", with: "' '"))' | xargs -P 64 -L 1 bash -c "
            + "'if timeout 2 bash -c \"</dev/tcp/$0/$1\" 2>/dev/null; then echo \"$0 $1 open\"; else echo \"$0 $1 closed\"; fi'"
    }

    /// A probe that did not come out as expected (`wasOpen` nil: no answer for it).
    public struct Mismatch: Sendable {
        public var probe: Probe
        public var wasOpen: Bool?
    }

    /// Probes whose outcome in `output` (from `script`) differs from the expectation.
    public static func mismatches(_ probes: [Probe], output: String) -> [Mismatch] {
        var seen: [String: Bool] = [:]
        for line in output.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 3 { seen["\(f[0]) \(f[1])"] = f[2] == "open" }
        }
        return probes.compactMap { probe in
            let was = seen["\(probe.address) \(probe.port)"]
            return was == probe.expectedOpen ? nil : Mismatch(probe: probe, wasOpen: was)
        }
    }

    /// Whether an IPv4 address or CIDR (`10.0.0.0/24`, `10.0.0.5`) covers `address`.
    public static func contains(_ network: String, _ address: String) -> Bool {
        let parts = network.split(separator: "/")
        guard let base = ipv4(String(parts[0])), let value = ipv4(address) else { return network == address }
        let bits = parts.count == 2 ? Int(parts[1]) ?? 32 : 32
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - min(32, bits))
        return base & mask == value & mask
    }

    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }), text.split(separator: ".").count == 4 else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }
}
