import Foundation
import RampartBasics
import RampartRemote

/// A `HostConnection` that answers from a script instead of a network, as swift-nio's
/// NIOEmbedded is to NIOPosix: each command is recorded and answered by the most recently added
/// rule whose text it contains (so a test overrides a shared script by adding a rule). For unit tests of the engine's decisions — never the proof that a feature
/// works on a server (the lab is that).
public final class ScriptedConnection: HostConnection, @unchecked Sendable {
    /// How the scripted host answers one command.
    public enum Reply: Sendable {
        case output(String, status: Int32 = 0, stderr: String = "")
        /// The transport fails (a lost connection, a timeout).
        case error(RemoteError.Kind, String)
        /// Computed from the command (for answers that depend on what is asked).
        case computed(@Sendable (Command) -> Reply)
    }

    private struct Rule {
        let contains: String
        var replies: [Reply]
    }

    public let hostName: String
    private let state = Locked<(rules: [Rule], commands: [Command], closed: Bool)>(([], [], false))

    public init(host: String) { hostName = host }

    /// Answers commands containing `text` with `replies` in turn, the last one from then on.
    @discardableResult
    public func on(_ text: String, _ replies: Reply...) -> ScriptedConnection {
        state.withLock { $0.rules.insert(Rule(contains: text, replies: replies), at: 0) }
        return self
    }

    /// Every command run so far, in order.
    public var commands: [Command] { state.current.commands }
    /// The commands' displays (what a view would show), in order.
    public var displays: [String] { commands.map(\.display) }
    public var isClosed: Bool { state.current.closed }
    public var execCount: Int { state.current.commands.count }

    public func run(_ command: Command) async throws -> CommandResult {
        let reply: Reply? = state.withLock { s in
            s.commands.append(command)
            guard !s.closed, let index = s.rules.firstIndex(where: { command.script.contains($0.contains) }) else { return nil }
            let next = s.rules[index].replies[0]
            if s.rules[index].replies.count > 1 { s.rules[index].replies.removeFirst() }
            return next
        }
        guard let reply else {
            if state.current.closed { throw RemoteError(.closed, host: hostName, "the connection is closed") }
            return CommandResult(stdout: [], stderr: Array("scripted host: no rule for `\(command.display)`".utf8), exitStatus: 127)
        }
        return try answer(reply, command)
    }

    private func answer(_ reply: Reply, _ command: Command) throws -> CommandResult {
        switch reply {
        case .output(let stdout, let status, let stderr):
            return CommandResult(stdout: Array(stdout.utf8), stderr: Array(stderr.utf8), exitStatus: status)
        case .error(let kind, let message):
            throw RemoteError(kind, host: hostName, message)
        case .computed(let make):
            return try answer(make(command), command)
        }
    }

    public func close() async { state.withLock { $0.closed = true } }
}
