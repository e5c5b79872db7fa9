import Foundation
import RampartApply
import RampartBasics
import RampartEngine
import RampartModel

/// Ansible's retry files, kept correct: after an apply that did not succeed everywhere, the
/// hosts to run again — those that failed, those never reached (unreachable, or skipped because
/// the run stopped before them) — go to `<inventory>.retry` beside the inventory, one name a
/// line; `--limit @failed` selects exactly them (`--limit @FILE` any such file). A run that
/// succeeds on every host it was given removes the file.
enum RetryFile {
    /// The `--limit` value that means "the hosts of the last run's retry file".
    static let failed = "@failed"

    /// `inventories/lab.yml` → `inventories/lab.retry`.
    static func path(for inventory: String) -> String {
        let url = URL(fileURLWithPath: inventory)
        return url.deletingPathExtension().path + ".retry"
    }

    /// `--limit` with `@failed` or `@FILE` replaced by the hosts the file lists.
    static func expand(_ limit: String?, inventory: String) throws -> String? {
        guard let limit, limit.hasPrefix("@") else { return limit }
        let file = limit == failed ? path(for: inventory) : String(limit.dropFirst())
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw DiagnosticError(.error("--limit \(limit): there is no retry file \(file)",
                                         hint: limit == failed ? "the last apply with this inventory succeeded everywhere (or none ran yet)" : "check the path"))
        }
        let hosts = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !hosts.isEmpty else {
            throw DiagnosticError(.error("--limit \(limit): \(file) lists no hosts", hint: "run without --limit"))
        }
        return hosts.joined(separator: ",")
    }

    /// The hosts of `selected` that an outcome leaves to do again, in the catalog's order.
    static func hostsToRetry(_ outcome: ApplyOutcome, selected: [String]) -> [String] {
        switch outcome {
        case .cancelled: return []
        case .refused: return selected // nothing changed anywhere
        case .applied(let reports):
            let done = Set(reports.filter(\.succeeded).map(\.host))
            return selected.filter { !done.contains($0) }
        }
    }

    /// Writes (or, when nothing is left to do, removes) the retry file; returns its path if written.
    @discardableResult
    static func record(_ outcome: ApplyOutcome, selected: [String], inventory: String) throws -> String? {
        let file = path(for: inventory)
        let hosts = hostsToRetry(outcome, selected: selected)
        if case .cancelled = outcome { return nil }
        guard !hosts.isEmpty else {
            try? FileManager.default.removeItem(atPath: file)
            return nil
        }
        let text = "# Hosts the last `rampart apply` left to do (failed or not reached). Retry: --limit @failed\n"
            + hosts.joined(separator: "\n") + "\n"
        try AtomicFile.write(Data(text.utf8), to: file, mode: 0o644)
        return file
    }
}
