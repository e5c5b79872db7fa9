import CLibSSH2
import RampartRemote
#if canImport(Glibc)
import Glibc
#endif

/// One direct-tcpip channel of a jump host and the socketpair end its target talks to. Moved
/// by `pump` on the jump host's thread: bytes each way, with backpressure (nothing more is read
/// from a side while the other has not taken the last chunk), EOF each way, then release.
final class Tunnel {
    /// What one round of pumping did.
    enum Outcome {
        case idle, progressed
        /// libssh2 holds this tunnel's half-sent packet: until `pump` completes it, no other
        /// call may send on the session (libssh2 answers LIBSSH2_ERROR_BAD_USE).
        case blocked
    }

    let channel: OpaquePointer
    let fd: Int32
    private let session: OpaquePointer
    private var toChannel: [UInt8] = []
    private var toSocket: [UInt8] = []
    private var socketDone = false
    private var eofSent = false
    private var channelDone = false
    private var socketShut = false
    /// Set when libssh2 reports a session-level failure (the jump host's connection is broken).
    private(set) var sessionFailure: RemoteError?

    init(channel: OpaquePointer, fd: Int32, session: OpaquePointer) {
        self.channel = channel
        self.fd = fd
        self.session = session
    }

    /// The target's libssh2 never half-closes: its socket ending means the connection is over
    /// (what it sent is flushed first).
    var finished: Bool { socketDone && (toChannel.isEmpty || channelDone) }

    var pollEvents: Int16 {
        var events: Int16 = 0
        if toChannel.isEmpty && !socketDone { events |= Int16(POLLIN) }
        if !toSocket.isEmpty { events |= Int16(POLLOUT) }
        return events
    }

    /// Work libssh2 already holds for this tunnel, found without I/O: another channel's read
    /// drains the session's socket into libssh2's packet list, so this channel's data, its EOF
    /// or a window adjustment may be waiting there while the socket itself has nothing to poll.
    var hasBufferedWork: Bool {
        guard !channelDone else { return false }
        if toSocket.isEmpty && (libssh2_poll_channel_read(channel, 0) > 0 || libssh2_channel_eof(channel) != 0) { return true }
        return !toChannel.isEmpty && libssh2_channel_window_write_ex(channel, nil) > 0
    }

    private var outboundBlocked: Bool { libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 }

    /// Moves what can move without blocking. A `.blocked` tunnel must be pumped again before
    /// any other libssh2 call on the session; it then first retries the call that blocked.
    func pump(buffer: inout [UInt8]) -> Outcome {
        var progressed = false
        // Target → channel.
        if toChannel.isEmpty && !socketDone {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { toChannel = Array(buffer[0..<n]); progressed = true }
            else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { socketDone = true; progressed = true }
        }
        while !toChannel.isEmpty && !channelDone {
            let n = toChannel.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { rampart_channel_write(channel, $0.baseAddress, $0.count) }
            }
            if n > 0 { toChannel.removeFirst(n); progressed = true; continue }
            if n == Int(LIBSSH2_ERROR_EAGAIN) {
                if outboundBlocked { return .blocked }
                break // the channel's window is full: the far side has not read yet
            }
            fail(Int32(n), "forwarding to the target")
            toChannel.removeAll()
            channelDone = true
            progressed = true
        }
        if socketDone && toChannel.isEmpty && !eofSent && !channelDone {
            let rc = libssh2_channel_send_eof(channel)
            if rc == LIBSSH2_ERROR_EAGAIN && outboundBlocked { return .blocked }
            if rc != LIBSSH2_ERROR_EAGAIN { eofSent = true; progressed = true }
        }
        // Channel → target (a read may send a window adjustment: it can block too).
        if toSocket.isEmpty && !channelDone {
            let n = buffer.withUnsafeMutableBytes { raw in
                raw.withMemoryRebound(to: CChar.self) { rampart_channel_read(channel, 0, $0.baseAddress, $0.count) }
            }
            if n > 0 {
                toSocket = Array(buffer[0..<n]); progressed = true
            } else if n == Int(LIBSSH2_ERROR_EAGAIN) {
                if outboundBlocked { return .blocked }
                if libssh2_channel_eof(channel) != 0 { channelDone = true; progressed = true }
            } else {
                if n < 0 { fail(Int32(n), "forwarding from the target") }
                if n < 0 || libssh2_channel_eof(channel) != 0 { channelDone = true; progressed = true }
            }
        }
        while !toSocket.isEmpty {
            let n = toSocket.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { toSocket.removeFirst(n); progressed = true; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { break }
            // The target closed its end.
            toSocket.removeAll()
            socketDone = true
            channelDone = true
            progressed = true
        }
        // A broken session is the jump host's to report first (the target's message names it).
        if channelDone && toSocket.isEmpty && !socketShut && sessionFailure == nil {
            shutdown(fd, Int32(SHUT_WR))
            socketShut = true
            progressed = true
        }
        return progressed ? .progressed : .idle
    }

    private func fail(_ code: Int32, _ what: String) {
        switch code {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_NONE,
             LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_DECRYPT, LIBSSH2_ERROR_KEX_FAILURE,
             LIBSSH2_ERROR_BAD_USE:
            sessionFailure = LibSSH2.error(session, code: code, host: "jump host", while: what)
        default:
            break // this channel only (closed by the far side)
        }
    }

    /// Closes our end; the jump host frees the channel (which closes it).
    func release() {
        close(fd)
    }

    /// The session is gone: the target sees its socket close.
    func abandon() {
        close(fd)
    }
}
