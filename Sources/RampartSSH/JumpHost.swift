import CLibSSH2
import Foundation
import RampartBasics
import RampartRemote
#if canImport(Glibc)
import Glibc
#endif

/// One jump host's SSH session, shared by every connection that goes through it (OpenSSH's
/// ProxyJump, without a process per target). Each target gets one end of a socketpair as its
/// "socket"; this host's own thread shuttles bytes between the other end and a direct-tcpip
/// channel, so the target's libssh2 session runs unchanged on its own thread.
///
/// If the jump session dies, every tunnel through it is closed (targets see their connection
/// lost); the next tunnel request connects again.
final class JumpHost: @unchecked Sendable {
    let options: SSHOptions
    private let passphrases: PassphraseSource
    private let jumpHosts: JumpHosts

    private let lock = NSLock()
    private var requests: [TunnelRequest] = []
    private var stopping = false
    /// A self-pipe: requests and stop wake the pump out of poll.
    private let wakeup: Int32
    private let wakeupWriter: Int32
    private let connects = Locked(0)
    /// SSH sessions opened to this jump host (1 unless it had to reconnect).
    var connectCount: Int { connects.current }
    private let openTunnels = Locked(0)
    /// Tunnels open now (for tests).
    var tunnelCount: Int { openTunnels.current }

    // Touched only on the pump thread.
    private var session: SSHSession?
    private var tunnels: [Tunnel] = []
    private var opening: [(request: TunnelRequest, started: Double)] = []
    /// Released channels whose free said EAGAIN (non-blocking libssh2); retried each round.
    private var freeing: [OpaquePointer] = []
    private var lastHeard = Monotonic.now()
    /// Rounds in a row that moved nothing though a tunnel had buffered work.
    private var idleRounds = 0

    init(options: SSHOptions, passphrases: PassphraseSource, jumpHosts: JumpHosts) {
        self.options = options
        self.passphrases = passphrases
        self.jumpHosts = jumpHosts
        var pipeEnds: [Int32] = [-1, -1]
        _ = pipe(&pipeEnds)
        for fd in pipeEnds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeup = pipeEnds[0]
        wakeupWriter = pipeEnds[1]
        let thread = Thread { [self] in self.loop() }
        thread.name = "rampart-jump-\(options.hostName)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// A socket to `address:port` as this jump host reaches it. `target` names the connection in messages.
    func openTunnel(to address: String, port: Int, for target: String, deadline: Double) throws -> Int32 {
        let request = TunnelRequest(address: address, port: port, target: target, deadline: deadline)
        lock.withLock { requests.append(request) }
        signal()
        return try request.wait(jumpHost: options.hostName)
    }

    /// Closes the session and every tunnel; the thread exits.
    func stop() {
        lock.withLock { stopping = true }
        signal()
    }

    private func signal() {
        var one: UInt8 = 1
        _ = write(wakeupWriter, &one, 1)
    }

    // MARK: - The pump thread

    /// What holds libssh2's one half-sent packet, and must be resumed before anything else.
    private enum Blocker {
        case tunnel(Tunnel)
        case opening
        case freeing
    }
    private var blocker: Blocker?

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let (newRequests, stop) = lock.withLock { () -> ([TunnelRequest], Bool) in
                defer { requests.removeAll() }
                return (requests, stopping)
            }
            if stop { shutDown(reason: "Rampart is closing the jump host's session"); close(wakeup); close(wakeupWriter); return }
            for request in newRequests { start(request) }
            let progressed = session == nil ? false : pumpOnce(buffer: &buffer)
            if let failure = tunnels.lazy.compactMap(\.sessionFailure).first {
                lose(failure)
                continue
            }
            if progressed { idleRounds = 0; continue }
            // Nothing moved, but a round's reads may have pulled another tunnel's packets off the
            // socket after that tunnel was pumped: pump again rather than poll a drained socket
            // (bounded, should libssh2 hold something a pump cannot take).
            if idleRounds < 2 && tunnels.contains(where: \.hasBufferedWork) { idleRounds += 1; continue }
            idleRounds = 0
            waitForWork()
        }
    }

    /// One round: the blocked call first (libssh2 accepts no other packet meanwhile), then
    /// frees, the pending open, and every tunnel. True when anything moved.
    private func pumpOnce(buffer: inout [UInt8]) -> Bool {
        var progressed = false
        switch blocker {
        case .tunnel(let tunnel)?:
            if tunnel.pump(buffer: &buffer) == .blocked { return false }
            blocker = nil
            progressed = true
        case .opening?, .freeing?, nil:
            blocker = nil
        }
        while let channel = freeing.first {
            guard libssh2_channel_free(channel) == LIBSSH2_ERROR_EAGAIN else { freeing.removeFirst(); progressed = true; continue }
            if outboundBlocked { blocker = .freeing; return progressed }
            break
        }
        switch advanceOpening() {
        case .blocked: blocker = .opening; return progressed
        case .progressed: progressed = true
        case .idle: break
        }
        for tunnel in tunnels {
            switch tunnel.pump(buffer: &buffer) {
            case .blocked: blocker = .tunnel(tunnel); return true
            case .progressed: progressed = true
            case .idle: break
            }
        }
        let finished = tunnels.filter(\.finished)
        if !finished.isEmpty {
            for tunnel in finished { tunnel.release(); freeing.append(tunnel.channel) }
            tunnels.removeAll { $0.finished }
            openTunnels.withLock { $0 = tunnels.count }
            progressed = true
        }
        return progressed
    }

    private var outboundBlocked: Bool {
        guard let session else { return false }
        return libssh2_session_block_directions(session.rawSession) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
    }

    private func start(_ request: TunnelRequest) {
        if session == nil {
            do {
                session = try openSession()
                connects.withLock { $0 += 1 }
                lastHeard = Monotonic.now()
            } catch let error as RemoteError {
                request.fail(RemoteError(error.kind, host: request.target,
                                         "through jump host \(options.hostName): \(error.message)", hint: error.hint))
                return
            } catch {
                request.fail(RemoteError(.unreachable, host: request.target, "through jump host \(options.hostName): \(error)"))
                return
            }
        }
        opening.append((request, Monotonic.now()))
    }

    /// As the inventory's user, or its bootstrap user when that one is refused (a fresh bastion).
    private func openSession() throws -> SSHSession {
        do {
            return try SSHSession(options: options, passphrases: passphrases, jumpHosts: jumpHosts)
        } catch let error as RemoteError where error.kind == .authenticationFailed && error.host == options.hostName {
            guard let bootstrap = options.bootstrapUser, bootstrap != options.user else { throw error }
            var fallback = options
            fallback.user = bootstrap
            return try SSHSession(options: fallback, passphrases: passphrases, jumpHosts: jumpHosts)
        }
    }

    /// Advances the first pending direct-tcpip open. One at a time: libssh2 keeps a session's
    /// channel-open state in the session, so a second open would continue the first.
    private func advanceOpening() -> Tunnel.Outcome {
        guard let session, let (request, _) = opening.first else { return .idle }
        if request.abandoned || Monotonic.now() > request.deadline {
            // Nothing is half-sent unless libssh2 says so; then the open must finish first.
            if outboundBlocked { return .blocked }
            opening.removeFirst()
            request.fail(RemoteError(.connectTimeout, host: request.target,
                                     "jump host \(options.hostName) did not open a connection to \(request.endpoint) in time"))
            return .progressed
        }
        guard let channel = rampart_channel_direct_tcpip(session.rawSession, request.address, Int32(request.port)) else {
            let code = libssh2_session_last_errno(session.rawSession)
            if code == LIBSSH2_ERROR_EAGAIN { return outboundBlocked ? .blocked : .idle }
            opening.removeFirst()
            let error = LibSSH2.error(session.rawSession, code: code, host: request.target, while: "opening a tunnel")
            request.fail(RemoteError(.unreachable, host: request.target,
                                     "jump host \(options.hostName) could not connect to \(request.endpoint): \(error.message)",
                                     hint: "check that \(options.hostName) can reach \(request.endpoint) (address, port, its firewall) and that its sshd allows TCP forwarding (AllowTcpForwarding)"))
            if code != LIBSSH2_ERROR_CHANNEL_FAILURE && code != LIBSSH2_ERROR_CHANNEL_UNKNOWN { lose(error) }
            return .progressed
        }
        opening.removeFirst()
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            freeing.append(channel)
            request.fail(RemoteError(.unreachable, host: request.target, "socketpair failed: \(errnoText())"))
            return .progressed
        }
        for fd in pair { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let tunnel = Tunnel(channel: channel, fd: pair[0], session: session.rawSession)
        if request.succeed(pair[1]) {
            tunnels.append(tunnel)
            openTunnels.withLock { $0 = tunnels.count }
        } else {
            close(pair[0]); close(pair[1])
            freeing.append(channel)
        }
        return .progressed
    }

    /// Blocks in poll on the jump socket, the wakeup fd and every tunnel's end until something can move.
    private func waitForWork() {
        var fds = [pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
        if let session {
            var events = Int16(POLLIN)
            if libssh2_session_block_directions(session.rawSession) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
            fds.append(pollfd(fd: session.descriptor, events: events, revents: 0))
        }
        for tunnel in tunnels { fds.append(pollfd(fd: tunnel.fd, events: tunnel.pollEvents, revents: 0)) }
        let interval = options.keepaliveInterval > 0 ? Double(options.keepaliveInterval) : 3600
        let timeout = opening.isEmpty && freeing.isEmpty ? interval : min(interval, 0.05)
        let ready = poll(&fds, nfds_t(fds.count), Int32(timeout * 1000))
        if fds[0].revents & Int16(POLLIN) != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while read(wakeup, &drain, drain.count) > 0 {}
        }
        guard let session, fds.count > 1 else { return }
        if fds[1].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
            lose(RemoteError(.connectionLost, host: options.hostName, "the connection to jump host \(options.hostName) was closed"))
            return
        }
        if fds[1].revents != 0 { lastHeard = Monotonic.now() }
        guard ready == 0, options.keepaliveInterval > 0 else { return }
        // Silence through several keepalives means the jump host or the link to it is gone.
        let silence = Monotonic.now() - lastHeard
        if silence >= Double(options.keepaliveInterval * options.keepaliveCountMax) {
            lose(RemoteError(.connectionLost, host: options.hostName,
                             "no answer from jump host \(options.hostName) for \(formatSeconds(silence))"))
        } else if blocker == nil {
            session.sendKeepalive()
        }
    }

    /// The session is gone: every tunnel closes (their targets see the connection lost).
    private func lose(_ error: RemoteError) {
        jumpHosts.recordLoss(of: options.hostName, error.message)
        shutDown(reason: error.message)
    }

    private func shutDown(reason: String) {
        // libssh2_session_free frees the channels with the session.
        for tunnel in tunnels { tunnel.abandon() }
        tunnels.removeAll()
        freeing.removeAll()
        blocker = nil
        openTunnels.withLock { $0 = 0 }
        for (request, _) in opening {
            request.fail(RemoteError(.connectionLost, host: request.target, "through jump host \(options.hostName): \(reason)"))
        }
        opening.removeAll()
        session = nil
    }
}

/// A target's wait for its tunnel; the pump thread answers with a file descriptor or an error.
final class TunnelRequest: @unchecked Sendable {
    let address: String
    let port: Int
    let target: String
    let deadline: Double
    private let condition = NSCondition()
    private var result: Result<Int32, RemoteError>?
    private(set) var abandoned = false

    init(address: String, port: Int, target: String, deadline: Double) {
        self.address = address
        self.port = port
        self.target = target
        self.deadline = deadline
    }

    var endpoint: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }

    /// False when the requester stopped waiting (the caller then closes `fd`).
    func succeed(_ fd: Int32) -> Bool { settle(.success(fd)) }
    func fail(_ error: RemoteError) { _ = settle(.failure(error)) }

    private func settle(_ value: Result<Int32, RemoteError>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard result == nil, !abandoned else { return false }
        result = value
        condition.signal()
        return true
    }

    func wait(jumpHost: String) throws -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        while result == nil {
            // A little past the deadline: the pump reports its own timeout first when it can.
            if !condition.wait(until: Date(timeIntervalSinceNow: max(0, deadline - Monotonic.now()) + 1)) && result == nil {
                abandoned = true
                throw RemoteError(.connectTimeout, host: target, "jump host \(jumpHost) did not open a connection to \(endpoint) in time",
                                  hint: "check that \(jumpHost) is up and can reach \(endpoint)")
            }
        }
        return try result!.get()
    }
}
