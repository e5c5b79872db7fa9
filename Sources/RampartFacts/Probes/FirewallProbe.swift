import Foundation
import RampartModel

/// The firewall's state: /etc/nftables.conf (small, read whole), the live ruleset's hash and the
/// one Rampart recorded when it last confirmed a ruleset, and whether nftables starts at boot.
enum FirewallProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        guard catalog.resources.contains(where: { if case .firewall = $0.spec { return true }; return false }) else { return nil }
        let script = """
        if command -v nft >/dev/null 2>&1; then
          echo "W|live|$(nft list ruleset 2>/dev/null | sha256sum | cut -c1-64)"
          h=$(cat \(HostPaths.firewallLiveHash) 2>/dev/null) && echo "W|confirmed|$h"
          c=$(base64 -w0 \(HostPaths.nftablesConf) 2>/dev/null) && echo "W|persisted|$c"
          echo "W|enabled|$(systemctl is-enabled nftables 2>/dev/null)"
        fi
        true
        """
        return ProbeSection(name: "firewall", script: script) { output, facts in
            var firewall: FirewallFacts?
            for line in output.split(separator: "\n") {
                let f = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                guard f.count == 3, f[0] == "W" else { continue }
                if firewall == nil { firewall = FirewallFacts(persisted: nil, liveHash: "", confirmedHash: nil, enabled: "") }
                switch f[1] {
                case "live": firewall?.liveHash = f[2]
                case "confirmed": firewall?.confirmedHash = f[2].trimmingCharacters(in: .whitespaces)
                case "persisted": firewall?.persisted = Data(base64Encoded: f[2]).map { String(decoding: $0, as: UTF8.self) }
                case "enabled": firewall?.enabled = f[2]
                default: continue
                }
            }
            facts.firewall = firewall
        }
    }
}
