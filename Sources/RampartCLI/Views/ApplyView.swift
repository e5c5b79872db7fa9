import Foundation
import RampartApply
import RampartBasics
import RampartEngine
import RampartPlan

/// The plan and the closing table as text (the line-per-event and the live views share them).
protocol HumanApplyView: ApplyView {}

extension HumanApplyView {
    func showPlan(_ plan: Plan, errors: [String: Diagnostic], warnings: [Diagnostic]) {
        for warning in warnings { Diagnostics.print(warning) }
        Terminal.shared.write(PlanView().render(plan, errors: errors))
    }

    func applying() {}

    func applied(_ reports: [HostReport], seconds: Double) {
        Terminal.shared.write(ApplySummary.table(reports, seconds: seconds))
    }
}

/// One line per event: `web1  ~ file:/etc/motd  changed  12 ms`. Failures print the checker's
/// or command's output under the line; `verbose` prints every step's output there.
final class TextApplyView: HumanApplyView, @unchecked Sendable {
    let width: Int
    let verbose: Bool
    let terminal = Terminal.shared

    init(width: Int, verbose: Bool = false) {
        self.width = width
        self.verbose = verbose
    }

    func event(_ event: ApplyEvent) {
        switch event {
        case .hostStarted, .stepStarted:
            return
        case .waiting(let host, let reason):
            terminal.write("\(pad(host))  waiting: \(reason)\n")
        case .stepFinished(let host, _, let step, let outcome, let seconds, let output):
            if outcome == .skipped && step.isHandler { return }
            let label = PlanView().label(step)
            let status: String
            switch outcome {
            case .changed: status = terminal.paint("changed", "33")
            case .unchanged: status = terminal.paint("ok", "32")
            case .rejected: status = terminal.paint("rejected by checker", "31;1")
            case .failed: status = terminal.paint("FAILED", "31;1")
            case .skipped: status = terminal.paint("skipped", "2")
            }
            // A failure's output is printed once, with the host's error below.
            let drift = step.reason == .drift && outcome == .changed ? terminal.paint(" " + PlanView.driftTag, "33") : ""
            terminal.write("\(pad(host))  \(PlanView().paintSymbol(step)) \(label)  \(status)\(drift)  \(Self.duration(seconds))\n")
            if verbose && !output.isEmpty && outcome != .failed && outcome != .rejected {
                terminal.write(output.split(separator: "\n", omittingEmptySubsequences: false).map { "\(pad(""))    \($0)\n" }.joined())
            }
        case .hostFinished(let report):
            if let error = report.error {
                terminal.write(terminal.paint("\(pad(report.host))  error: ", "31;1") + "\(error.step.map { "[\($0)] " } ?? "")\(error.message)\n"
                               + (error.hint.map { "\(pad(""))  hint: \($0)\n" } ?? ""))
            }
        }
    }

    func pad(_ host: String) -> String { host.padding(toLength: max(width, host.count), withPad: " ", startingAt: 0) }

    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f s", seconds)
    }
}

/// JSON Lines: one object per event, for machines.
final class JSONApplyView: ApplyView, @unchecked Sendable {
    let verbose: Bool
    init(verbose: Bool = false) { self.verbose = verbose }

    func event(_ event: ApplyEvent) {
        var object: [String: Any]
        switch event {
        case .hostStarted(let host, let steps): object = ["event": "host_start", "host": host, "steps": steps]
        case .waiting(let host, let reason): object = ["event": "waiting", "host": host, "reason": reason]
        case .stepStarted(let host, let index, let step):
            object = ["event": "step_start", "host": host, "index": index, "resource": step.resources.map(\.description), "action": step.action.rawValue]
        case .stepFinished(let host, let index, let step, let outcome, let seconds, let output):
            object = ["event": "step_finish", "host": host, "index": index, "resource": step.resources.map(\.description),
                      "action": step.action.rawValue, "outcome": outcome.rawValue, "seconds": (seconds * 1000).rounded() / 1000]
            if let reason = step.reason { object["reason"] = reason.rawValue }
            if verbose || outcome == .failed || outcome == .rejected { object["output"] = output }
        case .hostFinished(let report):
            object = ["event": "host_finish", "host": report.host, "changed": report.changed, "ok": report.unchanged,
                      "failed": report.failed, "seconds": (report.seconds * 1000).rounded() / 1000, "execs": report.execs]
            if let error = report.error { object["error"] = error.message }
        }
        write(object)
    }

    /// One `plan` event per host before anything changes, and the plan's totals.
    func showPlan(_ plan: Plan, errors: [String: Diagnostic], warnings: [Diagnostic]) {
        for warning in warnings { Diagnostics.print(warning) }
        for host in plan.hosts {
            write(["event": "plan", "host": host.host, "steps": host.steps.map { step -> [String: Any] in
                var item: [String: Any] = ["resource": step.resources.map(\.description), "action": step.action.rawValue, "summary": step.summary]
                if step.isHandler { item["handler"] = true }
                if let reason = step.reason { item["reason"] = reason.rawValue }
                return item
            }])
        }
        for (host, error) in errors.sorted(by: { $0.key < $1.key }) { write(["event": "plan_error", "host": host, "error": error.message]) }
        let s = plan.summary
        write(["event": "plan_summary", "add": s.add, "change": s.change, "delete": s.delete, "refresh": s.refresh,
               "drift": s.drift, "intended": s.intended])
    }

    func applying() {}

    func applied(_ reports: [HostReport], seconds: Double) {
        write(["event": "summary", "hosts": reports.count, "failed": reports.filter { !$0.succeeded }.count,
               "changed": reports.reduce(0) { $0 + $1.changed }, "seconds": (seconds * 1000).rounded() / 1000])
    }

    private func write(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        Terminal.shared.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}

/// The closing table: per host ok / changed / failed and time.
enum ApplySummary {
    static func table(_ reports: [HostReport], seconds: Double) -> String {
        let terminal = Terminal.shared
        let width = max(4, reports.map(\.host.count).max() ?? 0)
        var out = "\n" + "host".padding(toLength: width, withPad: " ", startingAt: 0) + "  ok  changed  failed  time\n"
        for r in reports {
            let failed = r.succeeded ? "0" : terminal.paint(String(max(r.failed, 1)), "31;1")
            out += r.host.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + String(r.unchanged).leftPad(2) + "  " + String(r.changed).leftPad(7) + "  " + failed.leftPad(6)
                + "  " + TextApplyView.duration(r.seconds) + "\n"
        }
        let failed = reports.filter { !$0.succeeded }.count
        out += failed == 0 ? "Applied to \(reports.count) host\(reports.count == 1 ? "" : "s") in \(TextApplyView.duration(seconds)).\n"
            : terminal.paint("\(failed) of \(reports.count) hosts failed.", "31;1") + "\n"
        return out
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
