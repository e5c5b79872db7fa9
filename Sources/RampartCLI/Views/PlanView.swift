import Foundation
import RampartBasics
import RampartPlan

/// Prints a plan the way `terraform plan` does: per host, ordered steps with symbols, diffs, notes,
/// then the summary line. Colors only on a terminal and without NO_COLOR.
struct PlanView {
    let terminal = Terminal.shared
    var showDiffs = true

    func render(_ plan: Plan, errors: [String: Diagnostic]) -> String {
        var out = ""
        let width = plan.hosts.flatMap { $0.steps.map { label($0).count } }.max() ?? 0
        for host in plan.hosts {
            let visible = host.steps
            if visible.isEmpty && errors[host.host] == nil { continue }
            out += terminal.paint(host.host, "1") + (host.assumed ? "  (offline: every fact assumed from a fresh Debian 12 server)" : "") + "\n"
            for step in visible {
                let symbol = paintSymbol(step)
                let handlerNote = step.isHandler && !step.pending ? " (when a subscription changes)" : ""
                let assumed = host.assumed ? terminal.paint(" (assumed)", "2") : ""
                let drift = step.reason == .drift ? terminal.paint(" " + Self.driftTag, "33") : ""
                out += "  \(symbol) \(label(step).padding(toLength: width, withPad: " ", startingAt: 0))  \(step.summary)\(handlerNote)\(drift)\(assumed)\n"
                if let note = step.note { out += terminal.paint("      note: \(note)\n", "2") }
                if showDiffs, let diff = step.diff, !diff.isEmpty { out += colorDiff(diff) }
            }
        }
        for (host, error) in errors.sorted(by: { $0.key < $1.key }) {
            out += terminal.paint("\(host): error: ", "31;1") + error.message + (error.hint.map { "\n  hint: \($0)" } ?? "") + "\n"
        }
        out += "\n" + Self.summaryLine(plan.summary, unplanned: errors.count) + "\n"
        return out
    }

    /// After a step that corrects drift (the host changed since the last apply); intended steps,
    /// the usual case, are not marked.
    static let driftTag = "[drift]"

    /// The plan's totals; hosts that could not be planned are counted, so that "no changes"
    /// never reads as "every host matches" when some were not looked at.
    static func summaryLine(_ summary: Plan.Summary, unplanned: Int) -> String {
        guard unplanned > 0 else { return summary.text }
        let hosts = unplanned == 1 ? "1 host" : "\(unplanned) hosts"
        return summary.isEmpty
            ? "No changes for the hosts that were planned; \(hosts) could not be planned (above)."
            : summary.text + " \(hosts) could not be planned (above)."
    }

    func label(_ step: Step) -> String {
        if step.resources.count == 1 { return step.resource.description }
        return "\(step.resource.kind.rawValue):" + step.resources.map(\.name).joined(separator: ",")
    }

    func paintSymbol(_ step: Step) -> String {
        switch step.action {
        case .create: return terminal.paint("+", "32")
        case .update: return terminal.paint("~", "33")
        case .delete: return terminal.paint("-", "31")
        case .reload, .restart, .run: return terminal.paint("↻", "36")
        }
    }

    func colorDiff(_ diff: String) -> String {
        diff.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map { line -> String in
            let text = "      " + line
            if line.hasPrefix("+++") || line.hasPrefix("---") { return terminal.paint(text, "1") }
            if line.hasPrefix("+") { return terminal.paint(text, "32") }
            if line.hasPrefix("-") { return terminal.paint(text, "31") }
            if line.hasPrefix("@@") { return terminal.paint(text, "36") }
            return text
        }.joined(separator: "\n") + "\n"
    }
}
