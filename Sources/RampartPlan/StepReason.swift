import Foundation
import RampartBasics
import RampartFacts
import RampartModel

/// Why a step is planned. `intended`: the playbook or inventory asks for something it did not
/// ask for at the last apply on this host (a new, changed or removed resource). `drift`: the
/// resource is declared as it was then, so the host changed since Rampart left it (Puppet's
/// "corrective change"). Decided from the on-host manifest, which keeps each resource's
/// declaration digest from the last complete apply.
///
/// A step with no label: a resource the manifest lists without a digest (written by a Rampart
/// before digests; the next apply records them), or a step that only serves others (`apt-get
/// update`, `systemctl daemon-reload`). A handler takes the label of the steps that trigger it.
public enum StepReason: String, Sendable, Hashable, Codable {
    case intended, drift

    /// The label of a step over several resources: intended wins (a commit is waiting), then drift.
    static func combined(_ reasons: [StepReason?]) -> StepReason? {
        if reasons.contains(.intended) { return .intended }
        if reasons.contains(.drift) { return .drift }
        return nil
    }
}

/// A resource's declaration as the manifest records it.
public enum DeclarationDigest {
    /// SHA-256 (first 16 bytes, hex) of the compiled resource's canonical JSON: every field,
    /// `requires`, `subscribes` and `when` — and no secret (they encode as `(sensitive)`), and not
    /// where it was declared.
    public static func of(_ resource: Resource) -> String {
        let data = (try? CanonicalJSON.encode(resource)) ?? Data(resource.id.description.utf8)
        return String(sha256Hex(Array(data)).prefix(32))
    }

    /// Each resource's manifest entry, its digest computed once (the plan labels its steps and
    /// writes the manifest from the same entries).
    public static func entries(_ resources: [Resource]) -> [ManagedEntry] {
        resources.map { ManagedEntry(id: $0.id.description, digest: of($0)) }
    }
}

extension HostPlanner {
    /// Each step labelled intended or drift: the host's manifest against the entries declared now.
    static func labelled(_ steps: [Step], declared entries: [ManagedEntry], manifest: [ManagedEntry]) -> [Step] {
        let recorded = Dictionary(manifest.map { ($0.id, $0.digest) }, uniquingKeysWith: { first, _ in first })
        let declared = Dictionary(entries.compactMap { entry in entry.digest.map { (entry.id, $0) } }, uniquingKeysWith: { first, _ in first })
        func reason(_ id: ResourceID) -> StepReason? {
            let key = id.description
            guard let digest = declared[key] else { return recorded[key] != nil ? .intended : nil }  // removed from the playbook
            guard let entry = recorded[key] else { return .intended }  // new on this host
            guard let was = entry else { return nil }  // recorded before digests
            return was == digest ? .drift : .intended
        }
        var labelled = steps
        for index in labelled.indices where !labelled[index].isHandler {
            labelled[index].reason = StepReason.combined(labelled[index].resources.map(reason))
        }
        for index in labelled.indices where labelled[index].isHandler {
            let triggering = labelled.filter { !$0.isHandler && $0.triggers.contains(labelled[index].resource) }.map(\.reason)
            labelled[index].reason = StepReason.combined(triggering)
        }
        return labelled
    }
}
