import RampartBasics
import RampartPlan

/// What stands between a host's plays: the applier asks before a play's first step and tells
/// when a play is over, so another host waiting for it (`after:`) can go on and a rolling play
/// can run its hooks and give the host's place in the roll to the next one.
public protocol StageGate: Sendable {
    /// Before the first step of the plan's stage `stage` (one with steps): returns when the host
    /// may go on (nil), or why it stops here (a play it waits for failed, its roll stopped, a
    /// `before_each` failed).
    func enter(_ plan: HostPlan, stage: Int) async -> Diagnostic?
    /// Stage `stage` is over on this host: its steps ran (`failed`: one failed or the host stopped
    /// before it was done) or it had none. Returns why the host must stop (an `after_each` failed).
    func leave(_ plan: HostPlan, stage: Int, failed: Bool) async -> Diagnostic?
}
