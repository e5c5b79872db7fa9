import Foundation
import RampartBasics
import RampartFacts
import RampartModel
import RampartPlan
import RampartRemote

/// Supplies the clear bytes of a sensitive payload at apply time (re-rendered from the catalog,
/// never read from the plan file); the applier checks them against the planned hash.
public typealias PayloadSource = @Sendable (_ host: String, _ path: String) -> [UInt8]?

/// Runs a command on another host of the inventory and returns its standard output (a relayed
/// payload); throws with the other host's error.
public typealias RelaySource = @Sendable (_ host: String, _ command: String) async throws -> [UInt8]

/// Fetches a URL on the control node and returns its bytes, already checked against the
/// SHA-256 (a `download` with `via: control`); throws with a message that says what failed.
public typealias DownloadSource = @Sendable (_ url: String, _ sha256: String) async throws -> [UInt8]

/// Opens a NEW connection to the host (not the applier's), for confirming a change that could
/// lock Rampart out.
public typealias Reconnect = @Sendable (_ host: String) async throws -> HostConnection

/// Applies one host's plan over its connection: steps in order, each re-checking its guard;
/// handlers that something triggered (or an interrupted run owed); then the manifest and the
/// lock. The first failing step stops the host; journalled handlers stay owed for the next run.
public struct HostApplier: Sendable {
    public let plan: HostPlan
    public let connection: HostConnection
    /// The lock this run took on the host with its facts, released at the end (nil: none held).
    public let lock: LockHolder?
    public let payloads: PayloadSource
    public let relay: RelaySource?
    public let downloads: DownloadSource?
    public let reconnect: Reconnect?
    public let observer: ApplyObserver
    /// Asked before each step: true stops the host there (`--fail-fast` after another host failed).
    public let shouldStop: @Sendable () -> Bool
    /// Between the plan's stages (plays): waits for other hosts, rolls. Nil: nothing waits.
    public let gate: StageGate?

    public init(plan: HostPlan, connection: HostConnection, lock: LockHolder?, payloads: @escaping PayloadSource, relay: RelaySource? = nil,
                downloads: DownloadSource? = nil, reconnect: Reconnect? = nil, observer: ApplyObserver, gate: StageGate? = nil,
                shouldStop: @escaping @Sendable () -> Bool = { false }) {
        self.plan = plan
        self.connection = connection
        self.lock = lock
        self.payloads = payloads
        self.relay = relay
        self.downloads = downloads
        self.reconnect = reconnect
        self.observer = observer
        self.gate = gate
        self.shouldStop = shouldStop
    }

    /// Runs the plan; the lock taken while gathering facts is released at the end in every case.
    public func run() async -> HostReport {
        var report = HostReport(host: plan.host)
        let started = Monotonic.now()
        observer.event(.hostStarted(host: plan.host, steps: plan.steps.count))
        var changed: Set<ResourceID> = []
        var stopped = false
        // The stage (play) whose steps run now, and the last one that is over (-1: none yet).
        var entered = -1, left = -1
        func fail(_ diagnostic: Diagnostic) {
            report.failed += 1
            if report.error == nil { report.error = diagnostic }
            stopped = true
        }
        for (index, step) in plan.steps.enumerated() {
            if !stopped && shouldStop() {
                stopped = true
                report.error = .error("stopped: another host failed and --fail-fast is set", host: plan.host, step: step.resource.description)
            }
            // Into this step's stage: the stages before it are over (those without steps too),
            // then the gate says whether this one may start.
            if !stopped, let gate, !plan.stages.isEmpty, case let target = plan.stage(ofStep: index), entered < target {
                while left < target - 1 && !stopped {
                    left += 1
                    if let failure = await gate.leave(plan, stage: left, failed: false) { fail(failure) }
                }
                if !stopped {
                    entered = target
                    if var refusal = await gate.enter(plan, stage: target) {
                        // A host whose own link is already gone says so first (the real cause).
                        if let lost = connection.lostReason, !refusal.message.hasPrefix(Self.lostPrefix) {
                            refusal.message = "\(lost); \(refusal.message)"
                        }
                        report.connectionLost = connection.lostReason != nil
                        report.error = refusal
                        stopped = true
                    }
                }
            }
            if stopped { observer.event(.stepFinished(host: plan.host, index: index, step: step, outcome: .skipped, seconds: 0, output: "")); continue }
            if step.isHandler && !step.pending && !changedTrigger(step, in: plan.steps, changed: changed) {
                observer.event(.stepFinished(host: plan.host, index: index, step: step, outcome: .skipped, seconds: 0, output: "nothing it subscribes to changed"))
                continue
            }
            observer.event(.stepStarted(host: plan.host, index: index, step: step))
            let stepStarted = Monotonic.now()
            let result = await run(step)
            let (outcome, output, failure) = (result.outcome, result.output, result.failure)
            observer.event(.stepFinished(host: plan.host, index: index, step: step, outcome: outcome,
                                         seconds: Monotonic.now() - stepStarted, output: output))
            switch outcome {
            case .changed: report.changed += 1; changed.formUnion(step.resources)
            case .unchanged: report.unchanged += 1
            case .rejected, .failed:
                report.failed += 1
                report.error = failure
                report.connectionLost = result.connectionLost
                stopped = true
            case .skipped: break
            }
        }
        // The rest of the stages are over: done if the host got through, undone if it stopped.
        if let gate {
            while left < plan.stages.count - 1 {
                left += 1
                if let failure = await gate.leave(plan, stage: left, failed: stopped), !stopped { fail(failure) }
            }
        }
        // Manifest only after a complete run; the lock always (the script's status is the manifest's).
        var writeManifest = "status=0"
        if !stopped, let manifest = plan.manifest {
            let text = manifest.joined(separator: "\n") + "\n"
            let path = HostPaths.manifest(plan.playbook)
            writeManifest = "mkdir -p \"$(dirname \(path))\" && printf '%s' \(ShellQuoting.quote(text)) > \(path).tmp && mv -f \(path).tmp \(path); status=$?"
        }
        if !stopped {
            // Each only if the file still has the content the edits were planned to leave.
            for marker in plan.editMarkers ?? [] {
                let p = ShellQuoting.quote(marker.path), m = ShellQuoting.quote(HostPaths.editMarker(marker.path))
                writeManifest += "\nif [ \"$(sha256sum < \(p) 2>/dev/null | cut -c1-64)\" = '\(marker.sha256)' ]; then mkdir -p \"$(dirname \(m))\" && printf '%s\\n' '\(marker.line)' > \(m).tmp && mv -f \(m).tmp \(m); else rm -f \(m); fi"
            }
        }
        let final = [writeManifest] + (lock.map { [HostLock.releaseScript(for: $0)] } ?? []) + ["exit $status"]
        // A host that stopped answering mid-step (link down, host gone) is not reconnected just to
        // release its lock: that would add a connect timeout to the report, and a later run from
        // this machine takes over the lock of a run that no longer exists.
        if report.connectionLost {
            report.seconds = Monotonic.now() - started
            report.execs = connection.execCount
            observer.event(.hostFinished(report))
            return report
        }
        do {
            let display = stopped ? "release lock" : "write manifest, release lock"
            let result = try await connection.run(Command(final.joined(separator: "\n"), display: display))
            if !result.succeeded && report.error == nil {
                report.error = .error("finishing failed: \(result.stderrText.prefix(300))", host: plan.host, step: "manifest")
                report.failed += 1
            }
        } catch {
            if report.error == nil { report.error = Self.diagnostic(error, host: plan.host, step: "manifest") }
        }
        report.seconds = Monotonic.now() - started
        // Every exec channel of this host's connection, facts included (the no-op budget is 2).
        report.execs = connection.execCount
        observer.event(.hostFinished(report))
        return report
    }

    private func changedTrigger(_ handler: Step, in steps: [Step], changed: Set<ResourceID>) -> Bool {
        steps.contains { $0.triggers.contains(handler.resource) && !changed.isDisjoint(with: $0.resources) }
    }

    /// What running one step came to.
    private struct StepResult {
        var outcome: StepOutcome
        var output: String
        var failure: Diagnostic?
        /// The host stopped answering during the step (not worth reconnecting to release the lock).
        var connectionLost = false
        init(_ outcome: StepOutcome, _ output: String, _ failure: Diagnostic?, connectionLost: Bool = false) {
            self.outcome = outcome
            self.output = output
            self.failure = failure
            self.connectionLost = connectionLost
        }
    }

    private func run(_ step: Step) async -> StepResult {
        var stdin: [UInt8] = []
        switch step.payload {
        case .text(let text)?: stdin = Array(text.utf8)
        case .sensitive(let hash, let path)?:
            guard let bytes = payloads(plan.host, path), sha256Hex(bytes) == hash else {
                return StepResult(.failed, "", .error("the sensitive content of \(path) is not what was planned",
                                            hint: "the templates or vault changed since the plan was made; plan again",
                                            host: plan.host, step: step.resource.description))
            }
            stdin = bytes
        case .relay(let source, let command)?:
            // The other host's output is read whole (bounded by its size), then sent: fine for
            // an initial copy of a small database; seed big ones with mariabackup by hand.
            guard let relay else {
                return StepResult(.failed, "", .error("this step needs data from \(source), and no connection to it was offered", host: plan.host, step: step.resource.description))
            }
            if let converged = step.body.converged {
                // Don't pull a dump the guard would throw away.
                if let check = try? await connection.run(Command(StepExit.guardLine(converged), display: "check \(step.resource)")),
                   check.exitStatus == StepExit.unchanged { return StepResult(.unchanged, "", nil) }
            }
            do { stdin = try await relay(source, command) } catch {
                return StepResult(.failed, "", .error("reading from \(source) failed: \(Self.diagnostic(error, host: source, step: command).message)",
                                            host: plan.host, step: step.resource.description))
            }
        case .download(let url, let sha256)?:
            guard let downloads else {
                return StepResult(.failed, "", .error("this step needs \(url) fetched by the control node, and no downloader was offered",
                                                host: plan.host, step: step.resource.description))
            }
            // (Fetched even when the guard will find the file in place: the cache makes that cheap.)
            do { stdin = try await downloads(url, sha256) } catch {
                return StepResult(.failed, "", .error("downloading \(url) on the control node failed: \(error)",
                                                hint: "check the URL and its pinned sha256, or set `via: host`", host: plan.host, step: step.resource.description))
            }
        case .edit(let path, let edit)?:
            // The file exists only now (a package of this plan shipped it): read it, edit it here.
            do {
                let p = ShellQuoting.quote(path)
                let read = try await connection.run(Command("if [ -f \(p) ]; then printf F; cat -- \(p); fi", display: "read \(path)"))
                guard read.succeeded else { throw FileEdit.Failure(message: "reading it failed: \(read.stderrText.prefix(200))") }
                let current = read.stdout.first == UInt8(ascii: "F") ? Array(read.stdout.dropFirst()) : nil
                stdin = try edit.payload(editing: current)
            } catch let failure as FileEdit.Failure {
                return StepResult(.failed, "", .error("editing \(path): \(failure.message)", host: plan.host, step: step.resource.description))
            } catch {
                return StepResult(.failed, "", Self.diagnostic(error, host: plan.host, step: step.resource.description),
                                  connectionLost: (error as? RemoteError)?.kind == .connectionLost)
            }
        case nil: break
        }
        do {
            let result = try await connection.run(Command(step.script, stdin: stdin, display: "\(step.action.rawValue) \(step.resource)"))
            let output = (result.stdoutText + result.stderrText).trimmingCharacters(in: .whitespacesAndNewlines)
            switch result.exitStatus {
            case 0 where result.exitSignal == nil:
                if let confirm = step.confirm, let failure = await confirmed(confirm, step) { return StepResult(.failed, output, failure) }
                return StepResult(.changed, output, nil)
            case StepExit.unchanged: return StepResult(.unchanged, output, nil)
            case StepExit.rejected:
                return StepResult(.rejected, output, .error("the checker rejected the new configuration; the previous one is still in place:\n" + Self.indent(output),
                                                  hint: "fix the template or content and apply again", host: plan.host, step: step.resource.description))
            default:
                let status = result.exitSignal.map { "signal \($0)" } ?? "exit \(result.exitStatus)"
                return StepResult(.failed, output, .error("\(step.action.rawValue) failed (\(status)):\n" + Self.indent(output.isEmpty ? "(no output)" : output),
                                                host: plan.host, step: step.resource.description))
            }
        } catch {
            return StepResult(.failed, "", Self.diagnostic(error, host: plan.host, step: step.resource.description),
                              connectionLost: (error as? RemoteError)?.kind == .connectionLost)
        }
    }

    /// Runs the confirmation over a new connection; nil when confirmed, else why not.
    private func confirmed(_ confirm: Confirmation, _ step: Step) async -> Diagnostic? {
        let undo = "the host restores its previous state within \(confirm.within) s by itself"
        guard let reconnect else {
            return .error("this change needs a confirmation over a new connection, which this run cannot open; \(undo)",
                          host: plan.host, step: step.resource.description)
        }
        do {
            let fresh = try await reconnect(plan.host)
            let result = try await fresh.run(Command(confirm.script, display: "confirm \(step.resource)"))
            await fresh.close()
            guard result.succeeded else {
                return .error("confirming the change failed: \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))",
                              hint: undo, host: plan.host, step: step.resource.description)
            }
            return nil
        } catch {
            let reason = Self.diagnostic(error, host: plan.host, step: step.resource.description).message
            return .error("after the change, a new SSH connection failed (\(reason)): the change would lock Rampart out",
                          hint: "\(undo); fix the rules (SSH must stay open from the admin network) and apply again",
                          host: plan.host, step: step.resource.description)
        }
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(30).map { "    " + $0 }.joined(separator: "\n")
    }

    /// How a lost connection reads in a report (the decision itself uses `HostReport.connectionLost`).
    static let lostPrefix = "connection lost: "

    /// `on`: the host the failing command ran on, when it is not `host` itself (a rolling hook on the LB).
    public static func diagnostic(_ error: Error, host: String, step: String, on other: String? = nil) -> Diagnostic {
        if let remote = error as? RemoteError, remote.kind == .connectionLost {
            return .error(lostPrefix + (other.map { "to \($0), " } ?? "") + remote.message, hint: remote.hint, host: host, step: step)
        }
        if let remote = error as? RemoteError { return .error(remote.message, hint: remote.hint, host: host, step: step) }
        if let d = error as? DiagnosticError, let first = d.diagnostics.first { return first }
        return .error("\(error)", host: host, step: step)
    }
}
