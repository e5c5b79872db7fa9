import Foundation
import RampartApply
import RampartBasics
import RampartEngine
import RampartPlan

/// On a terminal: one live line per host — its current step, steps done of total, elapsed time —
/// redrawn in place; failures and waits are printed above the block and stay.
final class LiveApplyView: HumanApplyView, @unchecked Sendable {
    private struct HostLine {
        var total = 0
        var done = 0
        var current = "waiting"
        var started: Double?
        var finished: Double?
        var state = "…"
    }

    private let lock = NSLock()
    private let terminal = Terminal.shared
    private let hosts: [String]
    private var lines: [String: HostLine] = [:]
    private var drawn = 0
    private var ticker: Task<Void, Never>?
    private let width: Int

    init(hosts: [String]) {
        self.hosts = hosts
        width = hosts.map(\.count).max() ?? 4
        for host in hosts { lines[host] = HostLine() }
    }

    func applying() { start() }

    func applied(_ reports: [HostReport], seconds: Double) {
        stop()
        Terminal.shared.write(ApplySummary.table(reports, seconds: seconds))
    }

    func start() {
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 250_000_000)
                self?.redraw()
            }
        }
    }

    func stop() {
        ticker?.cancel()
        redraw()
    }

    func event(_ event: ApplyEvent) {
        lock.lock()
        var permanent: String?
        switch event {
        case .hostStarted(let host, let steps):
            lines[host]?.total = steps
            lines[host]?.started = Monotonic.now()
            lines[host]?.current = steps == 0 ? "nothing to change" : "starting"
        case .waiting(let host, let reason):
            permanent = "\(pad(host))  waiting: \(reason)"
        case .stepStarted(let host, _, let step):
            if lines[host]?.started == nil { lines[host]?.started = Monotonic.now() }
            lines[host]?.current = "\(step.action.symbol) \(PlanView().label(step))"
        case .stepFinished(let host, let index, let step, let outcome, _, _):
            if index >= 0 && !(step.isHandler && outcome == .skipped) { lines[host]?.done += 1 }
            if outcome == .failed || outcome == .rejected {
                permanent = "\(pad(host))  \(PlanView().paintSymbol(step)) \(PlanView().label(step))  "
                    + terminal.paint(outcome == .rejected ? "rejected by checker" : "FAILED", "31;1")
            }
        case .hostFinished(let report):
            lines[report.host]?.finished = Monotonic.now()
            lines[report.host]?.state = report.succeeded ? terminal.paint("done", "32") : terminal.paint("failed", "31;1")
            lines[report.host]?.current = report.succeeded ? "\(report.changed) changed, \(report.unchanged) ok" : ""
            if let error = report.error {
                permanent = terminal.paint("\(pad(report.host))  error: ", "31;1") + "\(error.step.map { "[\($0)] " } ?? "")\(error.message)"
                    + (error.hint.map { "\n\(pad(""))  hint: \($0)" } ?? "")
            }
        }
        lock.unlock()
        if let permanent { print(above: permanent) } else { redraw() }
    }

    private func pad(_ host: String) -> String { host.padding(toLength: max(width, host.count), withPad: " ", startingAt: 0) }

    private func render() -> [String] {
        let now = Monotonic.now()
        return hosts.map { host in
            let line = lines[host] ?? HostLine()
            let elapsed = line.started.map { (line.finished ?? now) - $0 }.map { String(format: "%5.1f s", $0) } ?? "      "
            let progress = line.total > 0 ? "\(line.done)/\(line.total)" : "   "
            let state = line.finished == nil ? terminal.paint(line.started == nil ? "…" : "▸", "36") : line.state
            return "\(pad(host))  \(state)  \(progress.leftPad(5))  \(elapsed)  \(line.current)"
        }
    }

    /// Clears the live block, prints a lasting line, draws the block again below it.
    private func print(above text: String) {
        lock.lock(); defer { lock.unlock() }
        var out = clearBlock()
        out += text + "\n"
        let block = render()
        out += block.joined(separator: "\n") + "\n"
        drawn = block.count
        terminal.write(out)
    }

    private func redraw() {
        lock.lock(); defer { lock.unlock() }
        let block = render()
        terminal.write(clearBlock() + block.map { "\u{1B}[2K" + $0 }.joined(separator: "\n") + "\n")
        drawn = block.count
    }

    private func clearBlock() -> String {
        drawn == 0 ? "" : "\u{1B}[\(drawn)F" + String(repeating: "\u{1B}[2K\n", count: drawn) + "\u{1B}[\(drawn)F"
    }
}

