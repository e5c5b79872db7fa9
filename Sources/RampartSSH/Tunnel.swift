import CLibSSH2
import RampartRemote
#if canImport(Glibc)
import Glibc
#endif

/// One direct-tcpip channel of a jump host and the socketpair end its target talks to. Moved
/// by `pump` on the jump host's thread: bytes each way, with backpressure (nothing more is read
/// from a side while the other has not taken the last chunk), EOF each way, then release.
final class Tunnel {
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

    /// Moves what can move without blocking; true when anything did.
    func pump(buffer: inout [UInt8]) -> Bool {
        var progressed = false
        // Target → channel.
        if toChannel.isEmpty && !socketDone {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { toChannel = Array(buffer[0..<n]); progressed = true }
            else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { socketDone = true; progressed = true }
        }
        while !toChannel.isEmpty {
            let n = toChannel.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { rampart_channel_write(channel, $0.baseAddress, $0.count) }
            }
            if n > 0 { toChannel.removeFirst(n); progressed = true; continue }
            if n == Int(LIBSSH2_ERROR_EAGAIN) { break }
            fail(Int32(n), "forwarding to the target")
            toChannel.removeAll()
            channelDone = true
            break
        }
        if socketDone && toChannel.isEmpty && !eofSent && !channelDone {
            let rc = libssh2_channel_send_eof(channel)
            if rc != LIBSSH2_ERROR_EAGAIN { eofSent = true; progressed = true }
        }
        // Channel → target.
        if toSocket.isEmpty && !channelDone {
            let n = buffer.withUnsafeMutableBytes { raw in
                raw.withMemoryRebound(to: CChar.self) { rampart_channel_read(channel, 0, $0.baseAddress, $0.count) }
            }
            if n > 0 { toSocket = Array(buffer[0..<n]); progressed = true }
            else if n == 0 || n != Int(LIBSSH2_ERROR_EAGAIN) {
                if n < 0 { fail(Int32(n), "forwarding from the target") }
                if n < 0 || libssh2_channel_eof(channel) != 0 { channelDone = true; progressed = true }
            } else if libssh2_channel_eof(channel) != 0 {
                channelDone = true; progressed = true
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
        if channelDone && toSocket.isEmpty && !socketShut {
            shutdown(fd, Int32(SHUT_WR))
            socketShut = true
            progressed = true
        }
        return progressed
    }

    private func fail(_ code: Int32, _ what: String) {
        switch code {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_NONE,
             LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_DECRYPT, LIBSSH2_ERROR_KEX_FAILURE:
            sessionFailure = LibSSH2.error(session, code: code, host: "jump host", while: what)
        default:
            break // this channel only (closed by the far side)
        }
    }

    /// Closes our end and asks the server to close the channel; the jump host frees it.
    func release() {
        _ = libssh2_channel_close(channel)
        close(fd)
    }

    /// The session is gone: the target sees its socket close.
    func abandon() {
        close(fd)
    }
}
