import CLibSSH2
import Foundation
import RampartBasics
import RampartRemote
#if canImport(Glibc)
import Glibc
#endif

/// One libssh2 session in non-blocking mode. Not thread-safe: it is only touched on the
/// `SessionThread` of its connection. Every wait is a `poll` on the socket with a deadline,
/// so nothing here can hang past its time limit.
final class SSHSession {
    let options: SSHOptions
    private let socket: TCPSocket
    private let session: OpaquePointer
    private var host: String { options.hostName }
    /// When the server was last heard from (the socket was ready) while a command waited.
    private var lastHeard = Monotonic.now()

    /// Connects (directly, or through its jump hosts' tunnel), handshakes, verifies the host key
    /// and authenticates.
    init(options: SSHOptions, passphrases: PassphraseSource, jumpHosts: JumpHosts) throws {
        LibSSH2.ensureInitialised()
        self.options = options
        let deadline = Monotonic.now() + options.connectTimeout
        if let hop = options.jumps.last {
            let fd = try jumpHosts.host(for: hop, passphrases: passphrases)
                .openTunnel(to: options.address, port: options.port, for: options.hostName, deadline: deadline)
            socket = TCPSocket(descriptor: fd)
        } else {
            socket = try TCPSocket.connect(to: options)
        }
        guard let session = rampart_session_init() else {
            socket.close()
            throw RemoteError(.protocolError, host: options.hostName, "libssh2_session_init failed (out of memory?)")
        }
        self.session = session
        libssh2_session_set_blocking(session, 0)
        do {
            let verifier = KnownHostsVerifier(options: options)
            if options.hostKeyPolicy != .off {
                _ = libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, verifier.preferredHostKeyAlgorithms())
            }
            try retry(deadline: deadline, phase: .handshake, "SSH handshake") {
                libssh2_session_handshake(session, socket.descriptor)
            }
            try verifier.verify(session: session)
            try Authenticator(session: self, passphrases: passphrases).authenticate(deadline: deadline)
            if options.keepaliveInterval > 0 {
                libssh2_keepalive_config(session, 1, UInt32(options.keepaliveInterval))
            }
        } catch {
            teardown(polite: false)
            throw error
        }
    }

    deinit { teardown(polite: true) }

    private var tornDown = false
    private func teardown(polite: Bool) {
        guard !tornDown else { return }
        tornDown = true
        if polite {
            // Best effort and bounded: a dead peer must not stall shutdown.
            let deadline = Monotonic.now() + 1
            _ = try? retry(deadline: deadline, phase: .command, "disconnect") {
                rampart_session_disconnect(session, "rampart done")
            }
        }
        libssh2_session_free(session)
        socket.close()
    }

    var rawSession: OpaquePointer { session }
    /// The socket libssh2 talks over (TCP, or a jump host's tunnel).
    var descriptor: Int32 { socket.descriptor }

    // MARK: - Waiting

    enum Phase { case handshake, authentication, command }

    /// Repeats `call` while libssh2 says EAGAIN, waiting on the socket in the direction libssh2 needs.
    @discardableResult
    func retry(deadline: Double, phase: Phase, _ what: String, _ call: () -> Int32) throws -> Int32 {
        while true {
            let rc = call()
            if rc != LIBSSH2_ERROR_EAGAIN {
                if rc < 0 { throw LibSSH2.error(session, code: rc, host: host, while: what) }
                return rc
            }
            try waitForSocket(deadline: deadline, phase: phase, what)
        }
    }

    /// Blocks in `poll` until the socket is ready in libssh2's direction or the deadline passes.
    func waitForSocket(deadline: Double, phase: Phase, _ what: String) throws {
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var pfd = pollfd(fd: socket.descriptor, events: events, revents: 0)
        while true {
            let remaining = deadline - Monotonic.now()
            if remaining <= 0 { throw timeoutError(phase: phase, what) }
            // Wake at least every keepalive interval so long commands keep the session alive.
            var sliceSeconds = remaining
            if options.keepaliveInterval > 0 { sliceSeconds = min(sliceSeconds, Double(options.keepaliveInterval)) }
            let ready = poll(&pfd, 1, Int32(sliceSeconds * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw RemoteError(.connectionLost, host: host, "poll failed during \(what): \(errnoText())") }
            if ready > 0 {
                if pfd.revents & Int16(POLLERR | POLLNVAL) != 0 {
                    throw RemoteError(.connectionLost, host: host, "connection lost during \(what)")
                }
                lastHeard = Monotonic.now()
                return
            }
            // A server answers every keepalive; silence through several means a cut link or a
            // dead host, which TCP alone would only report after many minutes.
            let silence = Monotonic.now() - lastHeard
            let limit = Double(options.keepaliveInterval * options.keepaliveCountMax)
            if phase == .command && options.keepaliveInterval > 0 && silence >= limit {
                throw RemoteError(.connectionLost, host: host,
                                  "no answer from \(options.address)\(options.jumps.last.map { " through jump host \($0.hostName)" } ?? "") for \(formatSeconds(silence)) during \(what): the link is down or the host is gone",
                                  hint: "check the host and its network\(options.jumps.isEmpty ? "" : " and the jump host \(options.jumps.last!.hostName)"); the limit is \(options.keepaliveCountMax) × keepalive_interval (\(options.keepaliveInterval) s)")
            }
            sendKeepalive()
        }
    }

    /// libssh2 holds a half-sent packet: only the call that started it may go on.
    var outboundBlocked: Bool { libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 }

    func sendKeepalive() {
        guard options.keepaliveInterval > 0, !outboundBlocked else { return }
        var next: Int32 = 0
        _ = libssh2_keepalive_send(session, &next)
    }

    private func timeoutError(phase: Phase, _ what: String) -> RemoteError {
        switch phase {
        case .handshake:
            return RemoteError(.connectTimeout, host: host,
                               "\(what) with \(options.address):\(options.port) timed out after \(formatSeconds(options.connectTimeout)): the port accepts TCP but does not speak SSH in time",
                               hint: "check that sshd (not another service) listens on port \(options.port), and that it is not overloaded (MaxStartups)")
        case .authentication:
            return RemoteError(.connectTimeout, host: host, "\(what) timed out after \(formatSeconds(options.connectTimeout))",
                               hint: "the server is slow to authenticate; raise connect_timeout")
        case .command:
            return RemoteError(.commandTimeout, host: host, "\(what) timed out", hint: "raise the command's timeout if it legitimately runs longer")
        }
    }

    // MARK: - Exec

    /// Runs `script` on a new channel, feeding `stdin` and reading stdout and stderr together
    /// (so neither side's window can fill and deadlock), then closes the channel and reads the exit status.
    func exec(script: String, stdin: [UInt8], timeout: Double, display: String) throws -> CommandResult {
        let started = Monotonic.now()
        let deadline = started + timeout
        let what = "command `\(Self.abbreviate(display))` (limit \(formatSeconds(timeout)))"
        lastHeard = started

        var channel: OpaquePointer?
        while channel == nil {
            channel = rampart_channel_open_session(session)
            if channel == nil {
                let code = libssh2_session_last_errno(session)
                guard code == LIBSSH2_ERROR_EAGAIN else {
                    throw LibSSH2.error(session, code: code, host: host, while: "opening a channel")
                }
                try waitForSocket(deadline: deadline, phase: .command, what)
            }
        }
        guard let channel else { fatalError("unreachable") }
        var closed = false
        defer {
            if !closed {
                // The command timed out or the session broke: tell the server to drop the channel,
                // but never wait long for it.
                _ = try? retry(deadline: Monotonic.now() + 0.5, phase: .command, "closing channel") { libssh2_channel_close(channel) }
            }
            libssh2_channel_free(channel)
        }

        let scriptBytes = Array(script.utf8)
        _ = try scriptBytes.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                try retry(deadline: deadline, phase: .command, "starting \(what)") {
                    rampart_channel_exec(channel, chars.baseAddress, UInt32(chars.count))
                }
            }
        }

        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var written = 0
        var stdinDone = false
        let chunk = 256 * 1024
        var buffer = [CChar](repeating: 0, count: chunk)

        while true {
            var progressed = false
            // libssh2 keeps one half-sent packet per session and refuses any other packet until
            // the same call completes it (LIBSSH2_ERROR_BAD_USE, reported as "Unable to send
            // transfer-window adjustment packet"): after a write blocks on the socket, no read
            // (which may send a window adjustment) until the write is through.
            var writeBlocked = false
            if !stdinDone {
                if written < stdin.count {
                    let n = stdin.withUnsafeBufferPointer { all in
                        all.withMemoryRebound(to: CChar.self) {
                            rampart_channel_write(channel, $0.baseAddress! + written, min(chunk, stdin.count - written))
                        }
                    }
                    if n > 0 { written += n; progressed = true }
                    else if n == Int(LIBSSH2_ERROR_EAGAIN) { writeBlocked = outboundBlocked }
                    else if n < 0 {
                        // The command closed its stdin early (e.g. it never reads it); that is its choice.
                        stdinDone = true
                    }
                }
                if !stdinDone && written == stdin.count {
                    let rc = libssh2_channel_send_eof(channel)
                    if rc == 0 { stdinDone = true; progressed = true }
                    else if rc == LIBSSH2_ERROR_EAGAIN { writeBlocked = outboundBlocked }
                    else { stdinDone = true }
                }
            }
            for stream: Int32 in [0, 1] where !writeBlocked {
                while true {
                    let n = rampart_channel_read(channel, stream, &buffer, chunk)
                    if n > 0 {
                        buffer.withUnsafeBytes { raw in
                            if stream == 0 { stdout.append(contentsOf: raw.prefix(n)) } else { stderr.append(contentsOf: raw.prefix(n)) }
                        }
                        progressed = true
                        continue
                    }
                    if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) {
                        throw LibSSH2.error(session, code: Int32(n), host: host, while: "reading output of \(what)")
                    }
                    break
                }
            }
            if libssh2_channel_eof(channel) != 0 { break }
            if !progressed || writeBlocked { try waitForSocket(deadline: deadline, phase: .command, what) }
        }

        try retry(deadline: deadline, phase: .command, "closing the channel of \(what)") { libssh2_channel_close(channel) }
        try retry(deadline: deadline, phase: .command, "waiting for \(what) to finish") { libssh2_channel_wait_closed(channel) }
        closed = true
        let status = libssh2_channel_get_exit_status(channel)
        let signal = exitSignal(channel)
        return CommandResult(stdout: stdout, stderr: stderr, exitStatus: status, exitSignal: signal,
                             seconds: Monotonic.now() - started)
    }

    private func exitSignal(_ channel: OpaquePointer) -> String? {
        var name: UnsafeMutablePointer<CChar>?
        var length = 0
        guard libssh2_channel_get_exit_signal(channel, &name, &length, nil, nil, nil, nil) == 0, let name else { return nil }
        defer { libssh2_free(session, name) }
        return length > 0 ? String(cString: name) : nil
    }

    static func abbreviate(_ text: String) -> String {
        let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let short = firstLine.count > 60 ? String(firstLine.prefix(57)) + "..." : firstLine
        return text.contains("\n") && !short.hasSuffix("...") ? short + " ..." : short
    }
}
