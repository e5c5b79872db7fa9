import Foundation
import RampartBasics
import RampartRemote

/// What happened on one host during `rampart exec`.
struct ExecOutcome: Sendable {
    let host: String
    let result: CommandResult?
    let error: (any Error)?
    let seconds: Double

    var succeeded: Bool { result?.succeeded ?? false }
}

/// Presents exec results as they arrive; human and JSON forms share this contract.
protocol ExecView: Sendable {
    func hostFinished(_ outcome: ExecOutcome)
    func summary(_ outcomes: [ExecOutcome], seconds: Double)
}

struct TextExecView: ExecView {
    let grouped: Bool
    let width: Int

    func hostFinished(_ outcome: ExecOutcome) {
        let terminal = Terminal.shared
        let name = outcome.host.padding(toLength: width, withPad: " ", startingAt: 0)
        var text = ""
        if let result = outcome.result {
            let stdout = result.stdoutText
            let stderr = result.stderrText
            if grouped {
                let status = result.succeeded ? terminal.paint("ok", "32") : terminal.paint(statusText(result), "31")
                text += terminal.paint("── \(outcome.host)", "1") + " (\(status), \(String(format: "%.2f", outcome.seconds)) s)\n"
                text += stdout + (stdout.isEmpty || stdout.hasSuffix("\n") ? "" : "\n")
                text += stderr.isEmpty ? "" : terminal.paint(stderr, "33") + (stderr.hasSuffix("\n") ? "" : "\n")
            } else {
                for line in lines(stdout) { text += "\(terminal.paint(name, "36")) | \(line)\n" }
                for line in lines(stderr) { text += "\(terminal.paint(name, "36")) ! \(terminal.paint(String(line), "33"))\n" }
                if !result.succeeded { text += "\(terminal.paint(name, "36")) ✗ \(terminal.paint(statusText(result), "31"))\n" }
            }
        } else if let error = outcome.error {
            text += "\(terminal.paint(name, "36")) ✗ \(terminal.paint(Diagnostics.message(error), "31"))\n"
        }
        terminal.write(text)
    }

    func summary(_ outcomes: [ExecOutcome], seconds: Double) {
        let ok = outcomes.filter(\.succeeded).count
        let failed = outcomes.filter { $0.result != nil && !$0.succeeded }.count
        let unreachable = outcomes.filter { $0.result == nil }.count
        var parts = ["\(ok) ok"]
        if failed > 0 { parts.append("\(failed) failed") }
        if unreachable > 0 { parts.append("\(unreachable) unreachable") }
        let line = "\(outcomes.count) host\(outcomes.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
            + String(format: " in %.2f s", seconds)
        Terminal.shared.write(Terminal.shared.paint(line, ok == outcomes.count ? "32" : "31") + "\n")
    }

    private func lines(_ text: String) -> [Substring] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    private func statusText(_ result: CommandResult) -> String {
        result.exitSignal.map { "killed by signal \($0)" } ?? "exit status \(result.exitStatus)"
    }
}

struct JSONExecView: ExecView {
    func hostFinished(_ outcome: ExecOutcome) {
        var object: [String: Any] = ["host": outcome.host, "seconds": (outcome.seconds * 1000).rounded() / 1000,
                                     "ok": outcome.succeeded]
        if let result = outcome.result {
            object["exit_status"] = Int(result.exitStatus)
            object["stdout"] = result.stdoutText
            object["stderr"] = result.stderrText
            if let signal = result.exitSignal { object["exit_signal"] = signal }
        }
        if let error = outcome.error {
            object["error"] = Diagnostics.message(error)
            if let remote = error as? RemoteError { object["error_kind"] = remote.kind.rawValue }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        Terminal.shared.write(String(decoding: data, as: UTF8.self) + "\n")
    }

    func summary(_ outcomes: [ExecOutcome], seconds: Double) {}
}
