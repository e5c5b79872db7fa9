import Foundation
import RampartApply
import RampartBasics
@testable import RampartCLI
import RampartEngine
import Testing

/// `--limit @failed`: what a run leaves to do, written beside the inventory and read back.
@Suite struct RetryFileTests {
    func report(_ host: String, ok: Bool) -> HostReport {
        var report = HostReport(host: host)
        if !ok { report.error = .error("lost", host: host) }
        return report
    }

    @Test func failedAndNeverReachedHostsAreRetriedInOrder() {
        let selected = ["lb1", "web1", "web2", "db1"]
        // web2 failed; db1 has no report at all (the run stopped before it).
        let outcome = ApplyOutcome.applied([report("lb1", ok: true), report("web1", ok: true), report("web2", ok: false)])
        #expect(RetryFile.hostsToRetry(outcome, selected: selected) == ["web2", "db1"])
        #expect(RetryFile.hostsToRetry(.refused(errors: [:]), selected: selected) == selected)
        #expect(RetryFile.hostsToRetry(.cancelled, selected: selected).isEmpty)
    }

    @Test func theFileIsWrittenBesideTheInventoryReadByAtFailedAndRemovedOnSuccess() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-retry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inventory = directory + "/prod.yml"
        #expect(RetryFile.path(for: inventory) == directory + "/prod.retry")
        #expect(throws: DiagnosticError.self) { _ = try RetryFile.expand("@failed", inventory: inventory) }
        let failing = ApplyOutcome.applied([report("web1", ok: false), report("web2", ok: true)])
        let written = try RetryFile.record(failing, selected: ["web1", "web2", "db1"], inventory: inventory)
        #expect(written == directory + "/prod.retry")
        #expect(try RetryFile.expand("@failed", inventory: inventory) == "web1,db1")
        #expect(try RetryFile.expand("@" + directory + "/prod.retry", inventory: "/elsewhere.yml") == "web1,db1")
        #expect(try RetryFile.expand("web*", inventory: inventory) == "web*")
        let fixed = ApplyOutcome.applied([report("web1", ok: true), report("db1", ok: true)])
        #expect(try RetryFile.record(fixed, selected: ["web1", "db1"], inventory: inventory) == nil)
        #expect(!FileManager.default.fileExists(atPath: directory + "/prod.retry"))
    }
}
