import Foundation
import Testing

/// The fault and security report the lab test prints at its end: scenario, result, figure,
/// then `N passed, N failed` (issue 10). Each row's result comes from the same checks that
/// fail the test.
final class LabReport: @unchecked Sendable {
    struct Row {
        var scenario: String
        var passed: Bool
        var figure: String
    }

    static let shared = LabReport()
    private let lock = NSLock()
    private var rows: [Row] = []

    func record(_ scenario: String, passed: Bool, figure: String) {
        lock.withLock { rows.append(Row(scenario: scenario, passed: passed, figure: figure)) }
    }

    /// The table, also written to .build/lab-report.txt for whoever reads CI's artefacts.
    func printTable() {
        let rows = lock.withLock { self.rows }
        let width = min(44, rows.map(\.scenario.count).max() ?? 10)
        var text = "\nFaults and security on the lab\n"
        text += "SCENARIO".padding(toLength: width, withPad: " ", startingAt: 0) + "  RESULT  FIGURE\n"
        for row in rows {
            let name = row.scenario.count > width ? String(row.scenario.prefix(width - 1)) + "…" : row.scenario
            text += name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (row.passed ? "pass  " : "FAIL  ") + "  " + row.figure + "\n"
        }
        let passed = rows.filter(\.passed).count
        text += "\(passed) passed, \(rows.count - passed) failed\n"
        print(text)
        try? text.write(toFile: packageRoot.path + "/.build/lab-report.txt", atomically: true, encoding: .utf8)
    }
}

/// One report row under construction: every failed expectation is recorded as a test issue
/// (with its source location) and marks the row failed.
struct Scenario {
    let name: String
    private(set) var passed = true

    init(_ name: String) { self.name = name }

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
        if !condition {
            passed = false
            Issue.record(Comment(rawValue: "\(name): \(message())"), sourceLocation: sourceLocation)
        }
    }

    func finish(_ figure: String) {
        LabReport.shared.record(name, passed: passed, figure: figure)
    }
}

/// The vault's secrets, searched for in everything Rampart and the hosts could leak them into:
/// every output of every `rampart` command the lab test runs, saved plans, the process
/// arguments seen on every host during the cold apply, the hosts' journals, logs and shell histories.
final class PlantedSecrets: @unchecked Sendable {
    static let shared = PlantedSecrets()
    private let lock = NSLock()
    private var outputsScanned = 0
    private var leaks: [String] = []

    /// Every value of the lab's vault, read once with `rampart vault view` (not through
    /// `rampart()`, whose output is scanned).
    static let values: [String] = {
        let process = Process()
        process.executableURL = packageRoot.appendingPathComponent(".build/debug/rampart")
        process.arguments = ["vault", "view", "inventories/lab/group_vars/all/vault.yml"]
        process.currentDirectoryURL = packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["RAMPART_VAULT_PASSWORD_FILE"] = packageRoot.path + "/inventories/lab.vault-password"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        try? process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return value.count >= 8 ? value : nil
        }
    }()

    /// Records (as a test issue) any secret found in `text`.
    static func scan(_ text: String, what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = values.filter { text.contains($0) }
        shared.lock.withLock {
            shared.outputsScanned += 1
            if !found.isEmpty { shared.leaks.append(what) }
        }
        if !found.isEmpty {
            Issue.record(Comment(rawValue: "a vault secret appears in \(what)"), sourceLocation: sourceLocation)
        }
    }

    static var summary: (scanned: Int, leaks: [String]) { shared.lock.withLock { (shared.outputsScanned, shared.leaks) } }

    /// Starts, on every host, a sampler that keeps every distinct process command line it sees
    /// (every 20 ms) until `collectArguments`.
    static func watchArguments() throws {
        // Each new process is read for its first 5 sweeps (so an exec after its fork is seen),
        // then left alone: cheap enough to run every 10 ms on six hosts sharing two cores.
        let sampler = """
        import os, time, signal, sys
        seen, old, young = set(), set(), {}
        def dump(*_):
            with open('/var/tmp/rampart-args.log', 'w') as f:
                f.write('\\n'.join(sorted(seen)))
            sys.exit(0)
        signal.signal(signal.SIGTERM, dump)
        while True:
            pids = {p for p in os.listdir('/proc') if p.isdigit()}
            old &= pids
            for p in list(young):
                if p not in pids:
                    del young[p]
            for p in pids - old:
                try:
                    with open('/proc/%s/cmdline' % p, 'rb') as f:
                        seen.add(f.read().replace(b'\\0', b' ').decode('utf-8', 'replace'))
                except OSError:
                    pass
                young[p] = young.get(p, 0) + 1
                if young[p] >= 5:
                    old.add(p)
                    del young[p]
            time.sleep(0.01)
        """
        let encoded = Data(sampler.utf8).base64EncodedString()
        let start = try rampart(["exec", "-i", labInventory, "--", "echo \(encoded) | base64 -d > /var/tmp/rampart-args.py && systemd-run --unit rampart-args -q python3 /var/tmp/rampart-args.py"])
        #expect(start.status == 0, "the argument sampler did not start: \(start.stdout) \(start.stderr)")
    }

    /// Stops the samplers and searches what they saw; returns how many distinct command lines.
    @discardableResult
    static func collectArguments() throws -> Int {
        let seen = try EngineLabChecks.execAll(labInventory, "systemctl stop rampart-args; cat /var/tmp/rampart-args.log; rm -f /var/tmp/rampart-args.*")
        var lines = 0
        for (host, text) in seen {
            lines += text.split(separator: "\n").count
            scan(text, what: "process arguments on \(host) during the apply")
        }
        argumentsSeen = lines
        return lines
    }

    nonisolated(unsafe) static var argumentsSeen = 0
}
