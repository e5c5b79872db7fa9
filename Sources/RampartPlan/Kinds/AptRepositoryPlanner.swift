import RampartBasics
import RampartFacts
import RampartModel

/// Package sources: the deb822 file and its key, written as files; one `apt-get update` after
/// the source changes, before the next package install (the install step's own fallback — an
/// update when an install fails — covers a run killed in between).
enum AptRepositoryPlanner {
    static func plan(_ r: AptRepositoryResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        if r.state == .absent {
            return [r.sourcesPath, r.keyPath].flatMap { GeneratedFilePlanner.plan(path: $0, content: "", state: .absent, resource, &context) }
        }
        guard let codename = context.facts.os?.codename, !codename.isEmpty || !r.suites.isEmpty else {
            context.error("apt_repository '\(r.name)' names no `suites:` and the host's codename is unknown",
                          hint: "add `suites: [bookworm]`", resource: resource.id)
            return []
        }
        var files: [(String, String, String)] = []
        if let key = r.keyText { files.append(("key", r.keyPath, key)) }
        files.append(("source", r.sourcesPath, r.sources(codename: codename)))
        // Two files, one resource: each step says which.
        return files.flatMap { what, path, text in
            GeneratedFilePlanner.plan(path: path, content: text, state: .present, resource, &context)
                .map { var step = $0; step.summary = "\(what) \(step.summary)"; return step }
        }
    }

    static func deleteSteps(_ name: String, _ id: ResourceID, _ context: PlanContext) -> [Step] {
        [AptRepositoryResource.sourcesPath(name), AptRepositoryResource.keyPath(name)].compactMap {
            GeneratedFilePlanner.deleteStep($0, id, context)
        }
    }

    /// Inserts one `apt-get update` after the source changes of `steps`, before the first later
    /// package install (or at the end).
    static func placeUpdate(in steps: [Step], _ context: PlanContext) -> [Step] {
        FollowUp.place(in: steps, owes: { id, _ in id.kind == .aptRepository },
                       needs: { step, _ in step.action != .delete && step.resources.contains { $0.kind == .package } },
                       make: { owed, _ in updateStep(owed, context) })
    }

    static func updateStep(_ sources: [ResourceID], _ context: PlanContext) -> Step {
        Step(sources, .run, summary: "apt-get update (package sources changed)",
             script: Script.make(converged: nil, change: "apt-get \(PackagePlanner.aptOptions(context)) update"))
    }
}
