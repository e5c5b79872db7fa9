import RampartBasics
import RampartFacts
import RampartModel
import RampartRemote

/// What a step does, with the symbol the plan prints.
public enum StepAction: String, Sendable, Hashable, Codable {
    case create, update, delete, reload, restart, run

    public var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .delete: return "-"
        case .reload, .restart, .run: return "↻"
        }
    }
}

/// Bytes a step sends on stdin (file content). Non-sensitive text is kept in the plan; a
/// sensitive one only as its hash — `apply PLAN` re-renders it and refuses if the hash differs.
public enum Payload: Sendable, Hashable, Codable {
    case text(String)
    case sensitive(sha256: String, path: String)
    /// The output of `command` run on another host of the inventory, streamed through the
    /// control node at apply time (a replica's initial copy of its primary's data).
    case relay(host: String, command: String)
    /// An edit of a file that only exists once earlier steps ran (a package's config file): the
    /// applier reads the file, makes the edit and sends the result (`FileEditPlanner.payload`).
    case edit(path: String, edit: FileEdit)
    /// A file the control node fetches at apply time (from its download cache), checked
    /// against `sha256` before it is sent.
    case download(url: String, sha256: String)
}

/// One change on one host: what, why, and the script that makes it so.
///
/// Every script first re-checks its guard and exits 100 when the host is already in the wanted
/// state, so a step applied twice, or after someone else fixed the drift, changes nothing.
public struct Step: Sendable, Hashable, Codable {
    public var resources: [ResourceID]
    public var action: StepAction
    /// One line for humans, secrets redacted: `install nginx`, `mode 0600 → 0644`.
    public var summary: String
    /// A unified diff of file content (redacted), when content changes.
    public var diff: String?
    /// The parts of the `sh` script run as root; never holds a secret (it becomes a process argument).
    public var body: StepScript
    /// Handler lines (`kind:name action`) journalled on the host before the change.
    public var journal: [String]
    public var payload: Payload?
    /// Handlers to run when this step changed something.
    public var triggers: [ResourceID]
    /// Why a value is predicted or unknown on a host that does not have it yet.
    public var note: String?
    /// A handler (reload/restart/run on change): runs only when a trigger changed, or when
    /// journalled by an interrupted apply (`pending`).
    public var isHandler: Bool
    public var pending: Bool
    /// Run over a NEW connection after the step changed something: the change counts only if
    /// the host still lets Rampart in (a firewall). Until then the host undoes it by itself
    /// within `confirm.within` seconds.
    public var confirm: Confirmation?
    /// Intended (the playbook changed) or drift (the host changed); nil when unknown.
    public var reason: StepReason?

    public init(_ resources: [ResourceID], _ action: StepAction, summary: String, diff: String? = nil, script: StepScript,
                payload: Payload? = nil, triggers: [ResourceID] = [], note: String? = nil, isHandler: Bool = false,
                pending: Bool = false) {
        self.resources = resources
        self.action = action
        self.summary = summary
        self.diff = diff
        self.body = script
        self.journal = []
        self.payload = payload
        self.triggers = triggers
        self.note = note
        self.isHandler = isHandler
        self.pending = pending
    }

    public var resource: ResourceID { resources[0] }

    /// The script as run: prelude, the guard (exit 100 when already converged), the journal
    /// lines, then the change.
    public var script: String {
        var lines = ["set -e", "export LC_ALL=C DEBIAN_FRONTEND=noninteractive"]
        if let prelude = body.prelude { lines.append(prelude) }
        if let converged = body.converged { lines.append(StepExit.guardLine(converged)) }
        // Handlers are journalled before the change (so a run killed after it still owes them);
        // a change the checker rejects takes back the lines it added.
        let j = HostPaths.journal
        var takeBack: [String] = []
        if !journal.isEmpty {
            lines.append("mkdir -p \(HostPaths.stateDirectory)")
            for (index, line) in journal.enumerated() {
                let quoted = ShellQuoting.quote(line)
                lines.append("added_\(index)=; grep -qxF \(quoted) \(j) 2>/dev/null || { printf '%s\\n' \(quoted) >> \(j); added_\(index)=1; }")
                takeBack.append("if [ -n \"$added_\(index)\" ]; then grep -vxF \(quoted) \(j) > \(j).tmp || true; mv -f \(j).tmp \(j); fi")
            }
        }
        lines.append("rampart_reject() { \((takeBack + ["exit \(StepExit.rejected)"]).joined(separator: "; ")); }")
        lines.append(body.change)
        return lines.joined(separator: "\n")
    }
}

/// The exit statuses by which a step script tells the applier what happened; any other
/// non-zero status is a failure.
public enum StepExit {
    /// The guard found the host already as wanted: nothing was changed.
    public static let unchanged: Int32 = 100
    /// A checker rejected the new configuration (`rampart_reject`); the previous one is in place.
    public static let rejected: Int32 = 3

    /// Shell that ends the script as `unchanged` when `converged` holds.
    public static func guardLine(_ converged: String) -> String { "if \(converged); then exit \(unchanged); fi" }
}

/// A change the host reverts by itself unless confirmed over a fresh connection in time.
public struct Confirmation: Sendable, Hashable, Codable {
    public var script: String
    public var within: Int
    public init(script: String, within: Int) {
        self.script = script
        self.within = within
    }
}

/// A step's script in parts, so the planner can add journal lines between guard and change.
public struct StepScript: Sendable, Hashable, Codable {
    /// Runs before the guard (e.g. receiving the new file into a temp file).
    public var prelude: String?
    /// A condition true when nothing needs doing: the script then exits 100 ("unchanged").
    public var converged: String?
    public var change: String

    public init(prelude: String? = nil, converged: String?, change: String) {
        self.prelude = prelude
        self.converged = converged
        self.change = change
    }
}

/// One host's steps in order, and the facts fingerprint they were planned against.
public struct HostPlan: Sendable, Hashable, Codable {
    public var host: String
    /// The playbook this plan is for: its manifest on the host is kept apart from others'.
    public var playbook: String
    public var fingerprint: String
    public var steps: [Step]
    /// The manifest to write after applying (nil when the host's manifest is already right).
    public var manifest: [String]?
    /// Edit markers to write with the manifest, for edited files whose marker is missing or stale
    /// (nil: none; optional so plans saved before markers existed still load).
    public var editMarkers: [EditMarker]?
    /// The host's plays in order, each with the index of its first step: what each waits for
    /// before its steps, and its roll. Empty: one stage that waits for nothing.
    public var stages: [PlanStage]
    /// True when facts were assumed (offline plan), not read.
    public var assumed: Bool

    public init(host: String, playbook: String, fingerprint: String, steps: [Step], manifest: [String]?, stages: [PlanStage] = [],
                assumed: Bool = false) {
        self.host = host
        self.playbook = playbook
        self.fingerprint = fingerprint
        self.steps = steps
        self.manifest = manifest
        self.stages = stages
        self.assumed = assumed
    }

    /// Changes that count in the summary (handlers are consequences, not changes).
    public var changes: [Step] { steps.filter { !$0.isHandler || $0.pending } }

    /// The indices of stage `index`'s steps (empty when the play has nothing to do here).
    public func steps(ofStage index: Int) -> Range<Int> {
        let end = index + 1 < stages.count ? stages[index + 1].first : steps.count
        return min(stages[index].first, end)..<end
    }

    /// The stage step `index` belongs to (0 when the plan has no stages).
    public func stage(ofStep index: Int) -> Int {
        stages.lastIndex { $0.first <= index } ?? 0
    }
}

/// One play's part of a host plan: its steps run from `first` to the next stage's `first`.
public struct PlanStage: Sendable, Hashable, Codable {
    public var play: String
    public var first: Int
    /// Other hosts' plays that must be done before this stage's first step.
    public var waitsFor: [StageRef]
    /// Set in a rolling play: the roll, with its hooks around this stage's steps.
    public var rolling: Rolling?

    public init(play: String, first: Int, waitsFor: [StageRef] = [], rolling: Rolling? = nil) {
        self.play = play
        self.first = first
        self.waitsFor = waitsFor
        self.rolling = rolling
    }

    /// A step belongs to the latest play any of its resources (or any step before it) came
    /// from: plays stay in order even where `requires` pulled a later play's resource forward,
    /// and a handler runs in the play of the service it restarts. Steps of nothing in the
    /// catalog (pruning, handlers owed by an earlier run) belong to the play before them.
    public static func stages(of catalog: HostCatalog, steps: [Step]) -> [PlanStage] {
        var stageOf: [ResourceID: Int] = [:]
        for (index, stage) in catalog.stages.enumerated() { for id in stage.resources where stageOf[id] == nil { stageOf[id] = index } }
        var firsts = Array(repeating: steps.count, count: catalog.stages.count)
        var current = 0
        for (index, step) in steps.enumerated() {
            current = max(current, step.resources.compactMap { stageOf[$0] }.max() ?? 0)
            for stage in 0...current where firsts.indices.contains(stage) && firsts[stage] == steps.count { firsts[stage] = index }
        }
        return catalog.stages.enumerated().map { index, stage in
            PlanStage(play: stage.play, first: firsts[index], waitsFor: stage.waitsFor, rolling: stage.rolling)
        }
    }
}

/// The whole plan: data that `apply PLAN` executes exactly.
public struct Plan: Sendable, Hashable, Codable {
    /// 2: host plans have stages (one per play) instead of one wait and one roll per host.
    public static let formatVersion = 2
    public var version: Int
    public var inventory: String
    public var playbook: String
    public var hosts: [HostPlan]

    public init(inventory: String, playbook: String, hosts: [HostPlan]) {
        version = Self.formatVersion
        self.inventory = inventory
        self.playbook = playbook
        self.hosts = hosts
    }

    public struct Summary: Sendable, Hashable, Codable {
        public var add = 0, change = 0, delete = 0, refresh = 0
        /// Steps that correct drift (the host changed since the last apply), and steps the
        /// playbook's own changes ask for.
        public var drift = 0, intended = 0
        public var isEmpty: Bool { add + change + delete + refresh == 0 }
        public var text: String {
            guard !isEmpty else { return "No changes. The hosts match the playbook." }
            let totals = "Plan: \(add) to add, \(change) to change, \(delete) to delete" + (refresh > 0 ? ", \(refresh) to reload/restart/run." : ".")
            guard drift > 0 else { return totals }
            return totals + " \(drift) step\(drift == 1 ? "" : "s") correct\(drift == 1 ? "s" : "") drift (changed on the host since the last apply)"
                + (intended > 0 ? ", \(intended) come\(intended == 1 ? "s" : "") from changes of the playbook or inventory." : ".")
        }
    }

    public var summary: Summary {
        var summary = Summary()
        for step in hosts.flatMap(\.steps) {
            if !(step.isHandler && !step.pending) {
                if step.reason == .drift { summary.drift += 1 }
                if step.reason == .intended { summary.intended += 1 }
            }
            switch step.action {
            case .create: summary.add += step.resources.count
            case .update: summary.change += step.resources.count
            case .delete: summary.delete += step.resources.count
            case .reload, .restart, .run:
                if step.isHandler && !step.pending { continue }
                summary.refresh += 1
            }
        }
        return summary
    }
}
