import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads of /proc, /sys and the lab's small files. Everything here is a question; nothing throws.
enum ProcFS {
    /// The whole file, read with plain read(2): /proc and cgroupfs files report size 0,
    /// so anything that trusts st_size reads nothing.
    static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
            if count > 0 {
                result.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                return result
            } else if errno == EINTR {
                continue
            } else {
                return result.isEmpty ? nil : result
            }
        }
    }

    static func readText(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes a short value into a kernel file (cgroup.kill, cgroup.procs) in place:
    /// an "atomic" write would try to create a temporary file there and fail.
    @discardableResult
    static func writeKernelFile(_ path: String, _ value: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        let written = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress, raw.count) }
        return written == bytes.count
    }

    /// All process ids on the machine.
    static func allPids() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }
    }

    /// True for a process that exists and is not a zombie. Orphans here are reaped late by
    /// PID 1, so "exists in /proc" alone would call a dead container alive.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let fields = statFields(pid), let state = fields.first else { return false }
        return state != "Z" && state != "X"
    }

    static func parentPid(_ pid: Int32) -> Int32? {
        guard let fields = statFields(pid), fields.count > 1 else { return nil }
        return Int32(fields[1])
    }

    /// The fields of /proc/PID/stat after the command name (state, ppid, ...).
    private static func statFields(_ pid: Int32) -> [String]? {
        guard pid > 0, let stat = readText("/proc/\(pid)/stat"),
              let closing = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: closing)...].split(separator: " ").map(String.init)
    }

    /// argv of a process (empty for zombies and kernel threads).
    static func commandLine(_ pid: Int32) -> [String] {
        guard let bytes = readBytes("/proc/\(pid)/cmdline") else { return [] }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True if the process is PID 1 of its own pid namespace: a container's init.
    static func isNamespaceInit(_ pid: Int32) -> Bool {
        guard let status = readText("/proc/\(pid)/status") else { return false }
        for line in status.split(separator: "\n") where line.hasPrefix("NSpid:") {
            let ids = line.dropFirst("NSpid:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return ids.count >= 2 && ids.last == "1"
        }
        return false
    }

    /// Proportional set size in bytes: shared pages (the common base image's libraries in
    /// the page cache) are split between the processes sharing them, so sums are honest.
    static func pssBytes(_ pid: Int32) -> UInt64? {
        guard let rollup = readText("/proc/\(pid)/smaps_rollup") else { return nil }
        for line in rollup.split(separator: "\n") where line.hasPrefix("Pss:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kilobytes = UInt64(parts[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// True if a TCP socket listens on address:port (IPv4), from /proc/net/tcp.
    static func isListening(address: IPv4Address, port: Int) -> Bool {
        guard let table = readText("/proc/net/tcp") else { return false }
        let wanted = address.procNetHex + ":" + hex4(port)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " })
            // fields: sl local_address rem_address st ...; st 0A = LISTEN
            if fields.count > 3, fields[1] == wanted, fields[3] == "0A" { return true }
        }
        return false
    }

    private static func hex4(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    @discardableResult
    static func signal(_ pid: Int32, _ signal: Int32) -> Bool {
        pid > 0 && kill(pid, signal) == 0
    }
}

/// An IPv4 address as four octets: parsing, subnet arithmetic, /proc/net notation.
struct IPv4Address: Equatable, Sendable, CustomStringConvertible {
    let octets: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        self.octets = octets
    }

    init(value: UInt32) {
        octets = [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    var value: UInt32 { octets.reduce(UInt32(0)) { ($0 << 8) | UInt32($1) } }
    var description: String { octets.map { String($0) }.joined(separator: ".") }

    static func mask(prefixLength: Int) -> UInt32 {
        prefixLength <= 0 ? 0 : (prefixLength >= 32 ? UInt32.max : UInt32.max << UInt32(32 - prefixLength))
    }

    func network(prefixLength: Int) -> IPv4Address {
        IPv4Address(value: value & IPv4Address.mask(prefixLength: prefixLength))
    }

    func isInSubnet(of other: IPv4Address, prefixLength: Int) -> Bool {
        let mask = IPv4Address.mask(prefixLength: prefixLength)
        return value & mask == other.value & mask
    }

    /// /proc/net/tcp prints the raw in-memory u32: byte-reversed on little-endian machines.
    var procNetHex: String {
        let ordered: [UInt8] = UInt32(1).littleEndian == UInt32(1) ? Array(octets.reversed()) : octets
        return ordered.map { byte -> String in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
