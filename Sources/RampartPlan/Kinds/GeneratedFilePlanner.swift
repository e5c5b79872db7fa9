import RampartBasics
import RampartFacts
import RampartModel

/// Files of Rampart's own making in folders the system reads — cron's /etc/cron.d/rampart-NAME,
/// pam_limits' limits.d file, apt's pins, sources and keys, /etc/timezone: written root:root 0644
/// like a file resource, removed when absent or pruned. (apt reads its pins at every run: no update.)
enum GeneratedFilePlanner {
    static func plan(path: String, content: String, state: Presence, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        if state == .absent { return context.facts.files[path] == nil ? [] : [FilePlanner.deleteStep(path, resource.id)] }
        return FilePlanner.plan(FileResource(path, source: .content(SensitiveText(content)), owner: "root", group: "root", mode: "0644"),
                                resource, &context)
    }

    static func deleteStep(_ path: String, _ id: ResourceID, _ context: PlanContext) -> Step? {
        guard context.facts.files[path] != nil else { return nil }
        var step = FilePlanner.deleteStep(path, id)
        step.summary += " (no longer managed)"
        return step
    }
}
