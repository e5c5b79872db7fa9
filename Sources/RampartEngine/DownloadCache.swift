import Foundation
import RampartFacts

/// The control node's downloads (`download` with `via: control`): fetched once with Debian's
/// curl into a cache folder, each file named by its SHA-256 and checked against it, then reused
/// by every host and every later run. A file that does not match its pin is never kept.
public actor DownloadCache {
    public let directory: String
    private var inFlight: [String: Task<[UInt8], Error>] = [:]

    public init(directory: String = DownloadCache.defaultDirectory) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/rampart/downloads`, else `~/.cache/rampart/downloads`.
    public static var defaultDirectory: String { cacheRoot + "/downloads" }

    /// The control node's cache of Rampart: `$XDG_CACHE_HOME/rampart`, else `~/.cache/rampart`.
    public static var cacheRoot: String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return cache + "/rampart"
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The file's bytes: from the cache, or fetched (hosts asking for the same file at once share one fetch).
    public func fetch(_ url: String, sha256: String) async throws -> [UInt8] {
        let path = directory + "/" + sha256
        if let data = FileManager.default.contents(atPath: path), sha256Hex(Array(data)) == sha256 { return Array(data) }
        if let running = inFlight[sha256] { return try await running.value }
        let directory = self.directory
        let task = Task { try await Self.download(url, sha256: sha256, into: directory, as: path) }
        inFlight[sha256] = task
        defer { inFlight[sha256] = nil }
        return try await task.value
    }

    static func download(_ url: String, sha256: String, into directory: String, as path: String) async throws -> [UInt8] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let partial = path + ".part-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-fsSL", "--proto", "=https,http,ftp", "--retry", "2", "--connect-timeout", "20", "-o", partial, "--", url]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failure(description: "curl could not start (\(error)); install Debian's curl on the control node"))
            }
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 else { throw Failure(description: "curl exited \(status)\(message.isEmpty ? "" : ": " + message)") }
        guard let data = FileManager.default.contents(atPath: partial) else { throw Failure(description: "curl wrote nothing") }
        let bytes = Array(data)
        let got = sha256Hex(bytes)
        guard got == sha256 else { throw Failure(description: "\(url) gave a file whose SHA-256 is \(got), not the pinned \(sha256)") }
        _ = rename(partial, path)
        return bytes
    }
}
