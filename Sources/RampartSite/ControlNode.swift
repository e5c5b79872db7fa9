import Foundation
import RampartBasics

/// A shell command on the control node (curl, the local probes).
public enum ControlNode {
    public static func run(_ script: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension ControlNode {
    /// Tries every TCP connection at once (non-blocking connects, one poll loop, `timeout`
    /// seconds) and prints `ADDRESS PORT open|closed` lines like `FirewallMatrix.script`.
    /// In-process: a shell started from here could inherit a signal mask that makes `wait` hang.
    public static func connectAll(_ targets: [(String, Int)], timeout: Double = 2) -> String {
        var sockets: [(fd: Int32, target: (String, Int))] = []
        var results: [String: Bool] = [:]
        for target in targets {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(target.1).bigEndian)
            guard inet_pton(AF_INET, target.0, &address.sin_addr) == 1 else { results["\(target.0) \(target.1)"] = false; continue }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { results["\(target.0) \(target.1)"] = false; continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if status == 0 { results["\(target.0) \(target.1)"] = true; close(fd); continue }
            guard errno == EINPROGRESS else { results["\(target.0) \(target.1)"] = false; close(fd); continue }
            sockets.append((fd, target))
        }
        let deadline = Monotonic.now() + timeout
        var pending = sockets
        while !pending.isEmpty && Monotonic.now() < deadline {
            var fds = pending.map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(max(1, (deadline - Monotonic.now()) * 1000)))
            guard ready > 0 else { continue }
            var still: [(fd: Int32, target: (String, Int))] = []
            for (index, entry) in pending.enumerated() {
                guard fds[index].revents != 0 else { still.append(entry); continue }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(entry.fd, SOL_SOCKET, SO_ERROR, &error, &length)
                results["\(entry.target.0) \(entry.target.1)"] = error == 0
                close(entry.fd)
            }
            pending = still
        }
        for entry in pending { results["\(entry.target.0) \(entry.target.1)"] = false; close(entry.fd) }
        return results.map { "\($0.key) \($0.value ? "open" : "closed")" }.sorted().joined(separator: "\n")
    }
}
