import RampartBasics
import RampartModel

/// Which hosts play which part of the reference deployment, read from the inventory: the groups
/// that hold the load balancers, web servers, database primary and replicas and the monitoring
/// host, the site's domain and Prometheus's port. The defaults are the reference site's names
/// (`loadbalancers`, `webservers`, `db_primary`, `db_replicas`, `monitoring`, 9090); an inventory
/// with other names says so in its variables:
///
///     site_domain: shop.example.org
///     site_groups: { loadbalancers: edge, webservers: app, db_primary: pg_main }
///     prometheus_port: 9091
///
/// A part whose group is empty is skipped by `verify` and `status`, which say so.
public struct SiteLayout: Sendable, Equatable {
    /// A part of the site, by the key `site_groups` uses for it.
    public enum Part: String, CaseIterable, Sendable {
        case loadBalancers = "loadbalancers", webServers = "webservers", primary = "db_primary", replicas = "db_replicas", monitoring
    }

    public var domain: String
    /// Group name per part.
    public var groups: [Part: String]
    public var prometheusPort: Int
    private var members: [Part: [String]]

    public init(inventory: Inventory) throws {
        var groups = Dictionary(uniqueKeysWithValues: Part.allCases.map { ($0, $0.rawValue) })
        if let value = inventory.vars["site_groups"] {
            guard case .map(let names) = value else {
                throw DiagnosticError(.error("site_groups must map parts of the site to group names, e.g. { webservers: app }"))
            }
            for (key, name) in names.sorted(by: { $0.key < $1.key }) {
                guard let part = Part(rawValue: key) else {
                    throw DiagnosticError(.error("site_groups names an unknown part '\(key)'",
                                                 hint: Suggestion.didYouMean(key, in: Part.allCases.map(\.rawValue))))
                }
                guard case .string(let group) = name, inventory.group(named: group) != nil else {
                    throw DiagnosticError(.error("site_groups.\(key) must name a group of the inventory, not '\(name)'",
                                                 hint: Suggestion.didYouMean(name.description, in: inventory.groups.map(\.name))))
                }
                groups[part] = group
            }
        }
        self.groups = groups
        members = groups.mapValues { inventory.members(of: $0) }
        if case .string(let domain)? = inventory.vars["site_domain"] { self.domain = domain } else { domain = "www.foobar.com" }
        switch inventory.vars["prometheus_port"] {
        case .int(let port)?: prometheusPort = port
        case .string(let text)?: prometheusPort = Int(text) ?? 9090
        default: prometheusPort = 9090
        }
    }

    /// The hosts of `part`, in inventory order.
    public func hosts(_ part: Part) -> [String] { members[part] ?? [] }
}
