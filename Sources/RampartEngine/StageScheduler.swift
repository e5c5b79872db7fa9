import RampartApply
import RampartBasics
import RampartModel
import RampartPlan

/// Stands between the plays of every host of one apply (the hosts' `StageGate`): a play with
/// `after: [p]` starts on a host once every other host of `p` in this run is done with `p`,
/// while the host's earlier plays (its base packages, its firewall) ran from the start — as
/// Ansible runs play after play, and unlike waiting for whole hosts. A rolling play lets
/// `serial` hosts at a time into it, in the run's order, with `before_each`/`after_each` around
/// each host's steps of that play; a host failing in it stops the roll, one failing before it
/// only leaves the roll's order. At most `forks` hosts work at once; a host waiting here gives
/// its fork to another meanwhile.
actor StageScheduler: StageGate {
    private enum PlayState { case done, failed }

    private struct Roll {
        var serial: Int
        /// The roll's hosts in the order they go.
        var order: [String]
        var inside: Set<String> = []
        /// In and out again, failed before reaching the play, or with nothing to do in it.
        var through: Set<String> = []
        var stoppedBy: String?
    }

    private let hosts: Set<String>
    /// Each host's plays, in order (from the stages the scheduler was given).
    private let plays: [String: [String]]
    private let hooks: RollingHooks
    private let observer: ApplyObserver
    private var states: [String: [String: PlayState]] = [:]
    private var rolls: [String: Roll] = [:]
    /// Hosts whose `before_each` ran in a stage (their `after_each` is owed).
    private var drained: Set<String> = []
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var freeForks: Int
    private var forkWaiters: [CheckedContinuation<Void, Never>] = []

    /// `stages`: each host's stages, in the order the hosts go (a saved plan's, else the catalog's).
    init(stages: [(host: String, stages: [PlanStage])], forks: Int, hooks: RollingHooks, observer: ApplyObserver) {
        hosts = Set(stages.map(\.host))
        plays = Dictionary(stages.map { ($0.host, $0.stages.map(\.play)) }, uniquingKeysWith: { first, _ in first })
        freeForks = max(1, forks)
        self.hooks = hooks
        self.observer = observer
        for (host, hostStages) in stages {
            for stage in hostStages {
                guard let rolling = stage.rolling else { continue }
                rolls[rolling.play, default: Roll(serial: max(1, rolling.serial), order: [])].order.append(host)
            }
        }
    }

    // MARK: Forks

    func acquireFork() async {
        if freeForks > 0 {
            freeForks -= 1
            return
        }
        await withCheckedContinuation { forkWaiters.append($0) }
    }

    func releaseFork() {
        if forkWaiters.isEmpty { freeForks += 1 } else { forkWaiters.removeFirst().resume() }
    }

    // MARK: StageGate

    func enter(_ plan: HostPlan, stage index: Int) async -> Diagnostic? {
        let host = plan.host, stage = plan.stages[index]
        var told = false
        func waiting(_ reason: String) {
            if !told { observer.event(.waiting(host: host, reason: reason)) }
            told = true
        }
        if !ready(stage, host) {
            releaseFork()
            while true {
                if let refusal = refusal(stage, host) {
                    await acquireFork()
                    return refusal
                }
                if ready(stage, host) { break }
                let pending = stage.waitsFor.filter { hosts.contains($0.host) && states[$0.host]?[$0.play] == nil }
                waiting(pending.isEmpty ? "waiting for its turn in the rolling play '\(stage.play)'"
                        : "waiting for " + pending.map(\.description).joined(separator: ", "))
                await changed()
            }
            await acquireFork()
            // (Readiness is taken again: another host may have taken the place meanwhile.)
            if !ready(stage, host) { return await enter(plan, stage: index) }
        }
        if let refusal = refusal(stage, host) { return refusal }
        guard let rolling = stage.rolling else { return nil }
        rolls[rolling.play]?.inside.insert(host)
        if let before = rolling.before {
            if let failure = await hooks.run(before, for: host, phase: "before_each") {
                // Nothing changed on the host; the roll stops here.
                rolls[rolling.play]?.inside.remove(host)
                rolls[rolling.play]?.through.insert(host)
                stop(rolling.play, by: host)
                broadcast()
                return failure
            }
            drained.insert(host)
        }
        return nil
    }

    func leave(_ plan: HostPlan, stage index: Int, failed: Bool) async -> Diagnostic? {
        let host = plan.host, stage = plan.stages[index]
        var failure: Diagnostic?
        if let rolling = stage.rolling, rolls[rolling.play] != nil {
            if rolls[rolling.play]!.inside.contains(host) {
                // Always, even when the host failed: the drained server goes back.
                if let after = rolling.after, drained.remove(host) != nil {
                    failure = await hooks.run(after, for: host, phase: "after_each")
                }
                rolls[rolling.play]!.inside.remove(host)
                if failed || failure != nil { stop(rolling.play, by: host) }
            }
            rolls[rolling.play]!.through.insert(host)
        }
        if states[host]?[stage.play] == nil { states[host, default: [:]][stage.play] = failed || failure != nil ? .failed : .done }
        broadcast()
        return failure
    }

    /// A host the applier did not run through (unreachable, unplanned, converged at the first
    /// look, not started): its plays are over, done or undone, for whoever waits for them.
    func close(_ host: String, failed: Bool) {
        for play in plays[host] ?? [] where states[host]?[play] == nil { states[host, default: [:]][play] = failed ? .failed : .done }
        for name in rolls.keys where rolls[name]!.order.contains(host) && !rolls[name]!.inside.contains(host) {
            rolls[name]!.through.insert(host)
        }
        broadcast()
    }

    // MARK: Decisions

    /// Why the host cannot run `stage` at all: a play it waits for failed, or its roll stopped.
    private func refusal(_ stage: PlanStage, _ host: String) -> Diagnostic? {
        if let failed = stage.waitsFor.first(where: { hosts.contains($0.host) && states[$0.host]?[$0.play] == .failed }) {
            return .error("skipped: \(failed.host), which it waits for, failed", hint: "\(failed) did not finish; the plays before '\(stage.play)' were applied here",
                          host: host, step: "play \(stage.play)")
        }
        if let name = stage.rolling?.play, let stopper = rolls[name]?.stoppedBy {
            return .error("skipped: the rolling play '\(name)' stopped after \(stopper) failed", host: host, step: "play \(stage.play)")
        }
        return nil
    }

    /// Every play it waits for is done, and a rolling play has room and no earlier host still to go.
    private func ready(_ stage: PlanStage, _ host: String) -> Bool {
        guard stage.waitsFor.allSatisfy({ !hosts.contains($0.host) || states[$0.host]?[$0.play] == .done }) else { return false }
        guard let name = stage.rolling?.play, let roll = rolls[name] else { return true }
        guard roll.inside.count < roll.serial else { return false }
        let position = roll.order.firstIndex(of: host) ?? 0
        return roll.order[..<position].allSatisfy { roll.inside.contains($0) || roll.through.contains($0) }
    }

    /// The roll takes no one else in; the first host that stopped it is the one named.
    private func stop(_ roll: String, by host: String) {
        if rolls[roll]?.stoppedBy == nil { rolls[roll]?.stoppedBy = host }
    }

    private func changed() async {
        await withCheckedContinuation { waiters.append($0) }
    }

    private func broadcast() {
        let woken = waiters
        waiters = []
        for waiter in woken { waiter.resume() }
    }
}
