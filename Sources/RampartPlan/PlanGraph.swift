import RampartModel

/// The order Rampart applies a catalog in, as a Graphviz DOT graph (`rampart graph`): a cluster
/// per host and, inside it, one per play; an edge from each resource to what needs it first
/// (`requires`, solid) or is refreshed by it (`subscribes`, dashed — a handler); bold edges
/// where a play waits for another host's play (`after:`), dotted ones through a rolling play's
/// hosts in roll order. Given a plan, each resource is filled by what would happen to it, and
/// what the plan removes (pruned, no longer in the catalog) is drawn with a dashed red border.
public enum PlanGraph {
    /// What an edge stands for; its DOT `class` attribute (read back by tests and tools).
    public enum EdgeKind: String, Sendable, CaseIterable {
        case requires, subscribes, after, roll
    }

    /// Fill colours by planned action (light, so the black labels stay readable).
    static let fills: [StepAction: String] = [.create: "#c8e6c9", .update: "#fff3c4", .delete: "#ffcdd2",
                                              .reload: "#bbdefb", .restart: "#bbdefb", .run: "#bbdefb"]

    /// A resource's node name: `host/kind:name`.
    public static func node(_ host: String, _ id: ResourceID) -> String { "\(host)/\(id)" }

    public static func dot(_ catalog: Catalog, plan: Plan? = nil) -> String {
        var lines = ["digraph rampart {", "  rankdir=LR; compound=true; newrank=true;",
                     "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"monospace\", fontsize=10];",
                     "  edge [fontname=\"monospace\", fontsize=9];"]
        let planned = plan.map(actions) ?? [:]
        let drawn = Set(catalog.hosts.map(\.host))
        var edges: [String] = []
        for host in catalog.hosts {
            lines.append("  subgraph \(q("cluster_" + host.host)) {")
            lines.append("    label=\(q(host.host)); style=rounded; color=gray40; fontname=\"monospace\";")
            for stage in host.stages {
                let roll = stage.rolling.map { ", rolling \($0.serial) at a time" } ?? ""
                lines.append("    subgraph \(q("cluster_" + host.host + "/" + stage.play)) {")
                lines.append("      label=\(q("play " + stage.play + roll)); style=dashed; color=gray60;")
                lines.append("      \(q(anchor(host.host, stage.play))) [shape=point, style=invis, width=0];")
                for id in stage.resources {
                    var attributes = ["label=\(q(id.description))"]
                    if let action = planned[node(host.host, id)], let fill = fills[action] {
                        attributes.append("fillcolor=\(q(fill))")
                        attributes.append("tooltip=\(q(action.rawValue))")
                    }
                    lines.append("      \(q(node(host.host, id))) [\(attributes.joined(separator: ", "))];")
                }
                lines.append("    }")
                // (A host left out by --limit has no cluster to point at.)
                for wait in stage.waitsFor where drawn.contains(wait.host) {
                    edges.append(edge(anchor(wait.host, wait.play), anchor(host.host, stage.play), .after,
                                      ["ltail=\(q("cluster_" + wait.host + "/" + wait.play))", "lhead=\(q("cluster_" + host.host + "/" + stage.play))",
                                       "style=bold", "label=\"after\""]))
                }
            }
            // What the plan removes is no longer in the catalog: drawn beside it.
            for (id, action) in removed(host.host, plan) where action == .delete && host.resource(id) == nil {
                lines.append("    \(q(node(host.host, id))) [label=\(q(id.description)), fillcolor=\(q(fills[.delete]!)), color=red, style=\"rounded,filled,dashed\", tooltip=\"delete\"];")
            }
            lines.append("  }")
            for resource in host.resources {
                for required in resource.requires {
                    edges.append(edge(node(host.host, required), node(host.host, resource.id), .requires, []))
                }
                for source in resource.subscribes {
                    edges.append(edge(node(host.host, source), node(host.host, resource.id), .subscribes, ["style=dashed", "color=blue"]))
                }
            }
        }
        // A rolling play's hosts, one after another in inventory (catalog) order.
        var rolls: [String: [(String, Int)]] = [:]
        for host in catalog.hosts {
            for stage in host.stages { if let rolling = stage.rolling { rolls[stage.play, default: []].append((host.host, rolling.serial)) } }
        }
        for (play, hosts) in rolls.sorted(by: { $0.key < $1.key }) where hosts.count > 1 {
            for (first, second) in zip(hosts, hosts.dropFirst()) {
                edges.append(edge(anchor(first.0, play), anchor(second.0, play), .roll,
                                  ["ltail=\(q("cluster_" + first.0 + "/" + play))", "lhead=\(q("cluster_" + second.0 + "/" + play))",
                                   "style=dotted", "label=\(q("then (serial \(first.1))"))"]))
            }
        }
        lines += edges
        if plan != nil {
            lines.append("  subgraph cluster_legend { label=\"plan\"; style=dotted; fontname=\"monospace\";")
            for (name, action) in [("create", StepAction.create), ("update", .update), ("delete", .delete), ("reload/restart/run", .reload)] {
                lines.append("    \(q("legend/" + name)) [label=\(q(name)), fillcolor=\(q(fills[action]!))];")
            }
            lines.append("  }")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The invisible point inside a play's cluster that cross-host edges attach to.
    static func anchor(_ host: String, _ play: String) -> String { "\(host)//play:\(play)" }

    static func edge(_ from: String, _ to: String, _ kind: EdgeKind, _ attributes: [String]) -> String {
        "  \(q(from)) -> \(q(to)) [\((["class=\(q(kind.rawValue))"] + attributes).joined(separator: ", "))];"
    }

    /// Each planned resource's action (a change wins over a handler's refresh).
    static func actions(_ plan: Plan) -> [String: StepAction] {
        var result: [String: StepAction] = [:]
        for host in plan.hosts {
            for step in host.steps {
                for id in step.resources {
                    let key = node(host.host, id)
                    if result[key] == nil || [.reload, .restart, .run].contains(result[key]!) { result[key] = step.action }
                }
            }
        }
        return result
    }

    /// Resources the plan deletes on `host` (pruned: not in the catalog).
    static func removed(_ host: String, _ plan: Plan?) -> [(ResourceID, StepAction)] {
        guard let hostPlan = plan?.hosts.first(where: { $0.host == host }) else { return [] }
        var seen: Set<ResourceID> = []
        return hostPlan.steps.filter { $0.action == .delete }.flatMap(\.resources).compactMap { seen.insert($0).inserted ? ($0, .delete) : nil }
    }

    /// A DOT string literal.
    static func q(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
