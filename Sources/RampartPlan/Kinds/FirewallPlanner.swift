import RampartBasics
import RampartFacts
import RampartModel

/// The host's nftables ruleset: default policies, loopback and established traffic, essential
/// ICMP, then every `firewall_rule` on the host and the resource's own rules — rendered into
/// /etc/nftables.conf (a whole `flush ruleset` file, so loading it is one atomic swap).
///
/// Applying: `nft -c -f` checks the candidate (a rejected one changes nothing); the live
/// ruleset is saved and a systemd timer armed to restore it after `confirm_within` seconds;
/// the candidate is loaded; then Rampart confirms over a NEW SSH connection — only then the
/// timer is stopped and the candidate persisted. A ruleset that locks Rampart out is thus
/// undone by the host itself, and never reaches the boot configuration.
///
/// Drift: the persisted file differs, or the live ruleset's hash differs from the one recorded
/// at the last confirmation (someone ran `nft` by hand), or nftables does not start at boot.
enum FirewallPlanner {
    static func plan(_ f: FirewallResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let rules = context.catalog.resources.compactMap { r -> FirewallResource.Rule? in
            if case .firewallRule(let x) = r.spec { return x.rule }
            return nil
        } + f.rules
        let text = render(f, rules: rules, host: context.catalog.host)
        let facts = context.facts.firewall
        let installing = context.installing.contains("nftables")
        guard facts != nil || installing || context.facts.assumed else {
            context.error("nft is not installed on this host", hint: "add `- package: nftables` before the firewall", resource: id)
            return []
        }
        var steps: [Step] = []
        var reasons: [String] = []
        if facts?.persisted != text { reasons.append(facts?.persisted == nil ? "ruleset" : "ruleset changed") }
        if let facts, facts.persisted == text, facts.confirmedHash != facts.liveHash {
            reasons.append("the live ruleset differs from the confirmed one (changed by hand?)")
        }
        if !reasons.isEmpty {
            let diff = UnifiedDiff.make(old: facts?.persisted ?? "", new: text, path: HostPaths.nftablesConf)
            let summary = (facts?.persisted == nil ? "\(rules.count) rules, input \(f.input.rawValue), forward \(f.forward.rawValue)" : reasons.joined(separator: "; "))
                + " — confirmed over a new connection within \(f.confirmWithin) s, else reverted"
            steps.append(Step([id], facts?.persisted == nil ? .create : .update, summary: summary, diff: diff,
                              script: StepScript(converged: nil, change: applyScript(f)), payload: .text(text),
                              note: facts == nil ? "nftables is installed by this plan" : nil))
            steps[steps.count - 1].confirm = Confirmation(script: confirmScript, within: f.confirmWithin)
        }
        if facts?.enabled != "enabled" {
            steps.append(Step([id], .update, summary: "start nftables at boot (loads \(HostPaths.nftablesConf))",
                              script: StepScript(converged: "systemctl is-enabled --quiet nftables", change: "systemctl enable --quiet nftables")))
        }
        return steps
    }

    /// Checks, saves the live ruleset, arms the rollback timer, loads the candidate (stdin).
    static func applyScript(_ f: FirewallResource) -> String {
        let new = HostPaths.nftablesCandidate, previous = HostPaths.firewallPrevious, unit = HostPaths.firewallRollbackUnit
        return """
        mkdir -p \(HostPaths.stateDirectory)
        cat > \(new) && chmod 0755 \(new)
        if ! out=$(nft -c -f \(new) 2>&1); then rm -f \(new); printf '%s\\n' "$out" >&2; rampart_reject; fi
        { echo 'flush ruleset'; nft list ruleset; } > \(previous)
        systemctl stop \(unit).timer \(unit).service 2>/dev/null || true
        systemctl reset-failed \(unit).service 2>/dev/null || true
        systemd-run --quiet --unit=\(unit) --on-active=\(f.confirmWithin) /bin/sh -c 'nft -f \(previous) && rm -f \(new)'
        nft -f \(new)
        """
    }

    /// Over a new connection: the candidate still waits (the timer has not fired), so disarm,
    /// persist, and record the live ruleset's hash.
    static let confirmScript = """
        set -e
        [ -f \(HostPaths.nftablesCandidate) ] || { echo 'the host already restored its previous ruleset' >&2; exit 1; }
        systemctl stop \(HostPaths.firewallRollbackUnit).timer
        mv -f \(HostPaths.nftablesCandidate) \(HostPaths.nftablesConf)
        nft list ruleset | sha256sum | cut -c1-64 > \(HostPaths.firewallLiveHash)
        """

    static func render(_ f: FirewallResource, rules: [FirewallResource.Rule], host: String) -> String {
        var lines = [
            "#!/usr/sbin/nft -f",
            "# Managed by Rampart: the firewall of \(host). Changes are checked (nft -c), then confirmed",
            "# over a new SSH connection or rolled back by the host itself.",
            "flush ruleset",
            "",
            "table inet \(f.name) {",
            "    chain input {",
            "        type filter hook input priority filter; policy \(f.input.rawValue);",
            "        ct state established,related accept",
            "        ct state invalid drop",
            "        iif \"lo\" accept",
            "        ip protocol icmp icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept",
            "        ip6 nexthdr ipv6-icmp accept",
        ]
        for rule in rules {
            let ports = rule.ports.count == 1 ? "\(rule.ports[0])" : "{ " + rule.ports.map(String.init).joined(separator: ", ") + " }"
            let match = "\(rule.proto.rawValue) dport \(ports)"
            let comment = rule.comment.map { " comment \(quoted($0))" } ?? ""
            if rule.from.contains("any") {
                lines.append("        \(match) accept\(comment)")
                continue
            }
            let v6 = rule.from.filter { $0.contains(":") }, v4 = rule.from.filter { !$0.contains(":") }
            if !v4.isEmpty { lines.append("        ip saddr { \(v4.joined(separator: ", ")) } \(match) accept\(comment)") }
            if !v6.isEmpty { lines.append("        ip6 saddr { \(v6.joined(separator: ", ")) } \(match) accept\(comment)") }
            // A rule whose sources resolve to nobody (an empty group) allows nothing.
        }
        lines += [
            "    }",
            "    chain forward {",
            "        type filter hook forward priority filter; policy \(f.forward.rawValue);",
            "    }",
            "    chain output {",
            "        type filter hook output priority filter; policy accept;",
            "    }",
            "}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// An nft string: double quotes, no quotes or backslashes inside (comments are labels).
    static func quoted(_ text: String) -> String {
        "\"" + String(text.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }.prefix(120)) + "\""
    }
}
