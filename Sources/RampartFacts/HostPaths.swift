import Foundation

/// Where Rampart keeps its own state on a host.
public enum HostPaths {
    public static let stateDirectory = "/var/lib/rampart"
    /// Resource identities the last apply of `playbook` left, one per line: what pruning
    /// compares against. One manifest per playbook, so applying one playbook never prunes
    /// what another manages on the same host.
    public static func manifest(_ playbook: String) -> String {
        let safe = String(playbook.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
        return "\(stateDirectory)/manifests/\(safe.isEmpty ? "default" : safe)"
    }
    /// Handlers owed by an apply in progress, one `kind:name action` per line.
    public static let journal = stateDirectory + "/journal"
    /// The on-host apply lock: one file holding its holder's record (see `HostLock`), changed
    /// only under `flock` of the same path + `.guard`. Under /run, so a reboot clears it.
    public static let lock = "/run/rampart.lock"

    /// Where the version of a file from before Rampart first managed it is kept (pruning restores it).
    public static func original(_ path: String) -> String { stateDirectory + "/originals" + path }

    /// The hashes of the edits last applied to `path` and of the content they left (`EditMarkers`).
    public static func editMarker(_ path: String) -> String { stateDirectory + "/edits" + path }

    /// The SHA-256 of the archive last unpacked into folder `path` (the path mirrored, so two
    /// folders never share one).
    public static func archiveMarker(_ path: String) -> String { stateDirectory + "/archives" + path + ".sha256" }

    /// The firewall: the persisted ruleset, the candidate awaiting confirmation, the ruleset to
    /// restore if it is not confirmed, and the hash of the live ruleset Rampart last confirmed.
    public static let nftablesConf = "/etc/nftables.conf"
    public static let nftablesCandidate = "/etc/nftables.conf.rampart-new"
    public static let firewallPrevious = stateDirectory + "/firewall.previous"
    public static let firewallLiveHash = stateDirectory + "/firewall.sha256"
    public static let firewallRollbackUnit = "rampart-firewall-rollback"

    /// Where a sysctl resource persists its value.
    public static func sysctlFile(_ key: String) -> String { "/etc/sysctl.d/60-rampart-\(key).conf" }
    public static func sysctlContent(_ key: String, _ value: String) -> String { "\(key) = \(value)\n" }
    public static func procPath(_ key: String) -> String { "/proc/sys/" + key.replacingOccurrences(of: ".", with: "/") }
}
