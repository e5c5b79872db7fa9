import RampartBasics
import RampartPlan

/// What happened to one step.
public enum StepOutcome: String, Sendable, Codable {
    /// The script changed the host.
    case changed
    /// The guard found the host already as wanted (exit 100).
    case unchanged
    /// A checker rejected the new config; the previous one is in place.
    case rejected
    case failed
    /// Not run: an earlier step of the host failed, or a handler nothing triggered.
    case skipped
}

/// One host's result.
public struct HostReport: Sendable, Codable {
    public var host: String
    public var changed = 0
    public var unchanged = 0
    public var failed = 0
    public var seconds = 0.0
    /// Why the host stopped, with host and step.
    public var error: Diagnostic?
    /// Exec channels this host's connection opened during the whole run (facts included).
    public var execs = 0
    /// The host stopped answering mid-step (link down, host gone).
    public var connectionLost = false

    public init(host: String) { self.host = host }
    public var succeeded: Bool { error == nil && failed == 0 }
}

/// Events the applier reports as it goes; views turn them into text or JSON Lines.
public enum ApplyEvent: Sendable {
    case hostStarted(host: String, steps: Int)
    case waiting(host: String, reason: String)
    case stepStarted(host: String, index: Int, step: Step)
    case stepFinished(host: String, index: Int, step: Step, outcome: StepOutcome, seconds: Double, output: String)
    case hostFinished(HostReport)
}

/// Receives events from many hosts at once; must be thread-safe.
public protocol ApplyObserver: Sendable {
    func event(_ event: ApplyEvent)
}
