import Foundation
import RampartRemote
#if canImport(Glibc)
import Glibc
#endif

/// A connected, non-blocking TCP socket with `TCP_NODELAY` set (or, behind a jump host, the
/// target's end of the tunnel's socketpair).
///
/// libssh2 never sets TCP_NODELAY; without it every request/response pair waits for
/// delayed ACKs (~40 ms each, measured: exec 48 ms → 8 ms).
struct TCPSocket {
    let descriptor: Int32

    /// Resolves `address`, connects with a deadline, and maps each failure to a message naming the host.
    static func connect(to options: SSHOptions) throws -> TCPSocket {
        let host = options.hostName
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(options.address, String(options.port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            throw RemoteError(.unresolvable, host: host, "cannot resolve address '\(options.address)': \(reason)",
                              hint: "check the host's address in the inventory")
        }
        defer { freeaddrinfo(list) }

        let deadline = Monotonic.now() + options.connectTimeout
        var lastError: RemoteError?
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            do {
                return try connect(info.pointee, deadline: deadline, options: options)
            } catch let error as RemoteError {
                lastError = error
                if error.kind == .connectTimeout { break }
            }
        }
        throw lastError ?? RemoteError(.unreachable, host: host, "no usable address for '\(options.address)'")
    }

    private static func connect(_ info: addrinfo, deadline: Double, options: SSHOptions) throws -> TCPSocket {
        let host = options.hostName
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { throw RemoteError(.unreachable, host: host, "socket(): \(errnoText())") }
        var success = false
        defer { if !success { Glibc.close(fd) } }

        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))

        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw connectError(errno, options: options) }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            while true {
                let remaining = deadline - Monotonic.now()
                if remaining <= 0 {
                    throw RemoteError(.connectTimeout, host: host,
                                      "TCP connect to \(options.address):\(options.port) timed out after \(formatSeconds(options.connectTimeout))",
                                      hint: "the host may be down or a firewall drops packets; raise connect_timeout if the network is slow")
                }
                let ready = poll(&pfd, 1, Int32(min(remaining, 3600) * 1000) + 1)
                if ready < 0 && errno == EINTR { continue }
                if ready > 0 { break }
            }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError != 0 { throw connectError(soError, options: options) }
        }
        success = true
        return TCPSocket(descriptor: fd)
    }

    private static func connectError(_ code: Int32, options: SSHOptions) -> RemoteError {
        let target = "\(options.address):\(options.port)"
        switch code {
        case ECONNREFUSED:
            return RemoteError(.refused, host: options.hostName, "connection refused by \(target)",
                               hint: "is sshd running and listening on port \(options.port)?")
        case ENETUNREACH, EHOSTUNREACH:
            return RemoteError(.unreachable, host: options.hostName, "\(target) is unreachable: \(String(cString: strerror(code)))",
                               hint: "check the address and that a route to it exists")
        case ETIMEDOUT:
            return RemoteError(.connectTimeout, host: options.hostName, "TCP connect to \(target) timed out",
                               hint: "the host may be down or a firewall drops packets")
        default:
            return RemoteError(.unreachable, host: options.hostName, "cannot connect to \(target): \(String(cString: strerror(code)))")
        }
    }

    func close() { Glibc.close(descriptor) }
}

func errnoText() -> String { String(cString: strerror(errno)) }

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
}

import RampartBasics
