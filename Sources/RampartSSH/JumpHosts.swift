import Foundation
import RampartBasics
import RampartRemote

/// The jump hosts of a run: one `JumpHost` (one SSH session) per distinct hop chain, shared by
/// every target behind it, opened on first use.
public final class JumpHosts: @unchecked Sendable {
    /// The process's jump hosts; a command's connections share it.
    public static let shared = JumpHosts()

    private let lock = NSLock()
    private var hosts: [String: JumpHost] = [:]
    private var losses: [String: (reason: String, at: Double)] = [:]

    public init() {}

    /// The jump host for `hop` (whose own `jumps` are the hops before it).
    func host(for hop: SSHOptions, passphrases: PassphraseSource) -> JumpHost {
        let key = Self.key(hop)
        return lock.withLock {
            if let existing = hosts[key] { return existing }
            let created = JumpHost(options: hop, passphrases: passphrases, jumpHosts: self)
            hosts[key] = created
            return created
        }
    }

    /// `user@address:port`, each hop before it first: two routes to the same host are two sessions.
    static func key(_ hop: SSHOptions) -> String {
        (hop.jumps.map(key) + ["\(hop.user)@\(hop.address):\(hop.port)"]).joined(separator: " → ")
    }

    /// SSH sessions opened to each jump host, by its name (for tests and the bench).
    public var sessionCounts: [String: Int] {
        lock.withLock { Dictionary(hosts.values.map { ($0.options.hostName, $0.connectCount) }, uniquingKeysWith: +) }
    }

    /// Tunnels open now through each jump host, by name.
    public var tunnelCounts: [String: Int] {
        lock.withLock { Dictionary(hosts.values.map { ($0.options.hostName, $0.tunnelCount) }, uniquingKeysWith: +) }
    }

    /// Why the session to `name` was last lost, for the messages of the targets behind it.
    public func lastLoss(of name: String) -> String? { lock.withLock { losses[name]?.reason } }

    /// The last loss of `name`'s session, if it happened after `time` (Monotonic).
    func loss(of name: String, after time: Double) -> String? {
        lock.withLock { losses[name].flatMap { $0.at > time ? $0.reason : nil } }
    }

    func recordLoss(of name: String, _ reason: String) { lock.withLock { losses[name] = (reason, Monotonic.now()) } }

    /// Closes every jump session (their targets' connections with them).
    public func closeAll() {
        let all = lock.withLock { defer { hosts.removeAll() }; return Array(hosts.values) }
        for host in all { host.stop() }
    }
}
