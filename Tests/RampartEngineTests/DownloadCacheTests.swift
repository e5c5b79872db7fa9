import Foundation
import RampartEngine
import RampartFacts
import Testing

/// The control node's downloads against a real HTTP server (Debian's busybox httpd on loopback):
/// fetched with curl once, kept by hash, served from the cache after, and never kept when the
/// bytes do not match the pin.
struct DownloadCacheTests {
    @Test func fetchesOnceKeepsByHashAndRefusesAMismatch() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-downloads-\(UUID().uuidString)")
        let served = root.appendingPathComponent("served"), cache = root.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let bytes = Array("release 1.0\n".utf8)
        try Data(bytes).write(to: served.appendingPathComponent("tool-1.0"))
        let sha = sha256Hex(bytes)
        let port = 20000 + Int(getpid() % 20000)
        let httpd = Process()
        httpd.executableURL = URL(fileURLWithPath: "/usr/bin/busybox")
        httpd.arguments = ["httpd", "-f", "-p", "127.0.0.1:\(port)", "-h", served.path]
        try httpd.run()
        // SIGKILL: a test process may block SIGTERM, and its children inherit the mask.
        defer { kill(httpd.processIdentifier, SIGKILL); httpd.waitUntilExit() }
        try await Task.sleep(nanoseconds: 300_000_000)

        let downloads = DownloadCache(directory: cache.path)
        let url = "http://127.0.0.1:\(port)/tool-1.0"
        #expect(try await downloads.fetch(url, sha256: sha) == bytes)
        #expect(FileManager.default.contents(atPath: cache.path + "/" + sha) == Data(bytes), "kept under its hash")

        let wrong = String(repeating: "0", count: 64)
        do {
            _ = try await downloads.fetch(url, sha256: wrong)
            Issue.record("a file that does not match its pin was accepted")
        } catch {
            #expect("\(error)".contains("SHA-256 is \(sha), not the pinned \(wrong)"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: cache.path + "/" + wrong), "a mismatch is never kept")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.contains(".part-") }
        #expect(leftovers.isEmpty, "partial files left: \(leftovers)")

        do {
            _ = try await downloads.fetch("http://127.0.0.1:\(port)/missing", sha256: wrong)
            Issue.record("a 404 was accepted")
        } catch {
            #expect("\(error)".contains("curl exited 22"), "\(error)")
        }

        kill(httpd.processIdentifier, SIGKILL)
        httpd.waitUntilExit()
        #expect(try await DownloadCache(directory: cache.path).fetch(url, sha256: sha) == bytes, "served from the cache with the server gone")
    }
}
