import RampartBasics
import RampartFacts
import RampartModel

/// apt pins in /etc/apt/preferences.d: a file each (apt reads them at every run; no update needed).
enum AptPreferencePlanner {
    static func plan(_ p: AptPreferenceResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        if p.state == .absent {
            return context.facts.files[p.path] == nil ? [] : [FilePlanner.deleteStep(p.path, resource.id)]
        }
        return FilePlanner.plan(FileResource(p.path, source: .content(SensitiveText(p.content)), owner: "root", group: "root", mode: "0644"),
                                resource, &context)
    }

    static func deleteStep(_ name: String, _ id: ResourceID, _ context: PlanContext) -> Step? {
        let path = AptPreferenceResource.directory + "/" + name
        guard context.facts.files[path] != nil else { return nil }
        return FilePlanner.deleteStep(path, id)
    }
}
