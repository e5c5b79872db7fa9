import Foundation
import RampartApply
import RampartBasics
import RampartModel
import RampartPlan
import RampartRemote

/// The commands a rolling play runs on another host around each host's steps of that play:
/// `before_each` (a failure keeps the host's play untouched and stops the roll) and
/// `after_each` (always, even when the host failed). `StageScheduler` decides when.
struct RollingHooks: Sendable {
    let inventory: Inventory
    let connect: Connector
    let observer: ApplyObserver

    /// Runs one hook on its host over a connection of its own; nil when it succeeded.
    func run(_ hook: RollingHook, for host: String, phase: String) async -> Diagnostic? {
        guard let target = inventory.host(named: hook.on) else {
            return .error("\(phase) runs on '\(hook.on)', which is not in the inventory", host: host, step: phase)
        }
        let step = Step([ResourceID(.command, "\(phase) on \(hook.on)")], .run, summary: hook.run,
                        script: StepScript(converged: nil, change: hook.run))
        observer.event(.stepStarted(host: host, index: -1, step: step))
        let started = Monotonic.now()
        do {
            let connection = try await connect(target)
            let result: CommandResult
            do { result = try await connection.run(Command(hook.run, display: "\(phase) for \(host)")) } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            let output = (result.stdoutText + result.stderrText).trimmingCharacters(in: .whitespacesAndNewlines)
            observer.event(.stepFinished(host: host, index: -1, step: step, outcome: result.succeeded ? .changed : .failed,
                                         seconds: Monotonic.now() - started, output: output))
            guard result.succeeded else {
                return .error("\(phase) on \(hook.on) failed (exit \(result.exitStatus)): \(output.prefix(300))", host: host, step: phase)
            }
            return nil
        } catch {
            observer.event(.stepFinished(host: host, index: -1, step: step, outcome: .failed, seconds: Monotonic.now() - started, output: "\(error)"))
            return HostApplier.diagnostic(error, host: host, step: phase, on: hook.on)
        }
    }
}
