import Foundation
import RampartBasics
import RampartRemote

/// A `HostConnection` over one libssh2 session, reused for every command of the run.
///
/// The session lives on its own `SessionThread`. If a command times out or the link drops, the
/// session is discarded and the next command reconnects once (the error is still reported).
public final class SSHConnection: HostConnection, @unchecked Sendable {
    public let options: SSHOptions
    public var hostName: String { options.hostName }
    private let thread: SessionThread
    private let passphrases: PassphraseSource
    private let jumpHosts: JumpHosts
    // Touched only on `thread`.
    private var session: SSHSession?
    private var sudoChecked = false
    private let execs = Locked(0)
    private let connects = Locked(0)

    public var execCount: Int { execs.current }
    /// SSH sessions opened (1 unless a broken session had to be replaced).
    public var connectCount: Int { connects.current }

    private init(options: SSHOptions, passphrases: PassphraseSource, jumpHosts: JumpHosts) {
        self.options = options
        self.passphrases = passphrases
        self.jumpHosts = jumpHosts
        let box = SessionBox()
        self.thread = SessionThread(name: options.hostName, idleInterval: Double(options.keepaliveInterval)) {
            box.session?.sendKeepalive()
        }
        self.box = box
    }

    // Lets the keepalive closure reach the session without retaining the connection.
    private final class SessionBox: @unchecked Sendable { var session: SSHSession? }
    private let box: SessionBox

    /// Opens the session (TCP or a jump host's tunnel, handshake, host key, authentication) on the
    /// connection's own thread. Connections behind the same jump host share its session.
    public static func connect(_ options: SSHOptions, passphrases: PassphraseSource = PassphraseSource(),
                               jumpHosts: JumpHosts = .shared) async throws -> SSHConnection {
        let connection = SSHConnection(options: options, passphrases: passphrases, jumpHosts: jumpHosts)
        do {
            try await connection.thread.run { try connection.openIfNeeded() }
        } catch {
            connection.thread.stop()
            throw error
        }
        return connection
    }

    private func openIfNeeded() throws {
        if session != nil { return }
        let opened = try SSHSession(options: options, passphrases: passphrases, jumpHosts: jumpHosts)
        connectedAt.withLock { $0 = Monotonic.now() }
        session = opened
        box.session = opened
        connects.withLock { $0 += 1 }
    }

    private func discardSession() {
        session = nil
        box.session = nil
        sudoChecked = false
    }

    public func run(_ command: Command) async throws -> CommandResult {
        try await thread.run { try self.runOnThread(command) }
    }

    private func runOnThread(_ command: Command) throws -> CommandResult {
        guard !closed.current else {
            throw RemoteError(.closed, host: hostName, "connection already closed")
        }
        try openIfNeeded()
        guard let session else { throw RemoteError(.closed, host: hostName, "no session") }
        var effective = command
        if command.privileged && options.become && options.user != "root" {
            let become = Become(password: options.becomePassword)
            if options.becomePassword != nil && !sudoChecked {
                let probe = become.probe()
                let result = try execute(probe, on: session)
                guard result.succeeded else {
                    throw RemoteError(.privilegeEscalationFailed, host: hostName,
                                      "sudo refused \(options.user)'s password: \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))",
                                      hint: "check become_password, and that \(options.user) may run sudo on the host")
                }
                sudoChecked = true
            }
            effective = become.wrap(command)
        }
        return try execute(effective, on: session)
    }

    private func execute(_ command: Command, on session: SSHSession) throws -> CommandResult {
        execs.withLock { $0 += 1 }
        do {
            return try session.exec(script: command.script, stdin: command.stdin,
                                    timeout: command.timeout ?? options.commandTimeout, display: command.display)
        } catch let error as RemoteError {
            if [.commandTimeout, .connectionLost, .protocolError].contains(error.kind) { discardSession() }
            if error.kind == .connectionLost, let hop = options.jumps.last, let reason = jumpHosts.lastLoss(of: hop.hostName) {
                var annotated = error
                annotated.message += " (through jump host \(hop.hostName): \(reason))"
                throw annotated
            }
            throw error
        }
    }

    private let closed = Locked(false)
    private let connectedAt = Locked(Monotonic.now())

    public var lostReason: String? {
        guard let hop = options.jumps.last else { return nil }
        return jumpHosts.loss(of: hop.hostName, after: connectedAt.current).map { "connection lost through jump host \(hop.hostName): \($0)" }
    }

    deinit { thread.stop() }

    public func close() async {
        guard !closed.withLock({ old in defer { old = true }; return old }) else { return }
        _ = try? await thread.run { self.discardSession() }
        thread.stop()
    }
}
