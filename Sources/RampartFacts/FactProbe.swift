import Crypto
import Foundation
import RampartBasics
import RampartCatalog
import RampartModel

/// Where Rampart keeps its own state on a host.
public enum HostPaths {
    public static let stateDirectory = "/var/lib/rampart"
    /// Resource identities the last apply of `playbook` left, one per line: what pruning
    /// compares against. One manifest per playbook, so applying one playbook never prunes
    /// what another manages on the same host.
    public static func manifest(_ playbook: String) -> String {
        let safe = String(playbook.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
        return "/var/lib/rampart/manifests/\(safe.isEmpty ? "default" : safe)"
    }
    /// Handlers owed by an apply in progress, one `kind:name action` per line.
    public static let journal = "/var/lib/rampart/journal"
    /// The on-host apply lock (a directory: `mkdir` is atomic). Under /run, so a reboot clears it.
    public static let lock = "/run/rampart.lock"

    /// Where the version of a file from before Rampart first managed it is kept (pruning restores it).
    public static func original(_ path: String) -> String { "/var/lib/rampart/originals" + path }

    /// The firewall: the persisted ruleset, the candidate awaiting confirmation, the ruleset to
    /// restore if it is not confirmed, and the hash of the live ruleset Rampart last confirmed.
    public static let nftablesConf = "/etc/nftables.conf"
    public static let nftablesCandidate = "/etc/nftables.conf.rampart-new"
    public static let firewallPrevious = "/var/lib/rampart/firewall.previous"
    public static let firewallLiveHash = "/var/lib/rampart/firewall.sha256"
    public static let firewallRollbackUnit = "rampart-firewall-rollback"

    /// Where a sysctl resource persists its value.
    public static func sysctlFile(_ key: String) -> String { "/etc/sysctl.d/60-rampart-\(key).conf" }
    public static func sysctlContent(_ key: String, _ value: String) -> String { "\(key) = \(value)\n" }
    public static func procPath(_ key: String) -> String { "/proc/sys/" + key.replacingOccurrences(of: ".", with: "/") }
}

/// One part of the batched probe: a POSIX-sh snippet and the parser of its output.
public struct ProbeSection: Sendable {
    public var name: String
    public var script: String
    public var parse: @Sendable (_ output: String, _ facts: inout HostFacts) -> Void

    public init(name: String, script: String, parse: @escaping @Sendable (String, inout HostFacts) -> Void) {
        self.name = name
        self.script = script
        self.parse = parse
    }
}

/// A resource kind's facts: which probe it needs for a host's catalog (nil when it has nothing to ask).
public protocol FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection?
}

/// Hex SHA-256, as `sha256sum` prints it.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    // By hand: String(format:) per byte was a sixth of a large plan's CPU time.
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: bytes) {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
}
