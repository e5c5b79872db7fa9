import RampartFacts
import RampartModel

/// Directories: created with owner, group and mode; removed only when empty.
enum DirectoryPlanner {
    static func plan(_ d: DirectoryResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let p = Script.q(d.path)
        let fact = context.facts.files[d.path]
        if d.state == .absent {
            guard fact != nil else { return [] }
            return [Step([id], .delete, summary: "remove empty directory \(d.path)",
                         script: Script.make(converged: "[ ! -d \(p) ]",
                                             change: "rmdir \(p) || { echo \(Script.q("\(d.path) is not empty; Rampart removes only empty directories")) >&2; exit 4; }"))]
        }
        if let fact, fact.kind != .directory {
            context.error("\(d.path) exists and is a \(fact.kind.rawValue), not a directory", hint: "remove it first", resource: id)
            return []
        }
        let owner = d.owner ?? (fact == nil ? "root" : nil)
        let group = d.group ?? (fact == nil ? "root" : nil)
        let mode = FilePlanner.wantedMode(d.mode, fact, fallback: "0755", isDirectory: true)
        let converged = (["[ -d \(p) ]"] + [FilePlanner.statCheck(p, owner, group, mode)].compactMap { $0 }).joined(separator: " && ")
        let change = (["mkdir -p \(p)"] + FilePlanner.chownChmod(p, owner, group, mode)).joined(separator: "\n")
        if let fact {
            let changes = FilePlanner.metadataChanges(fact, owner, group, mode)
            return changes.isEmpty ? [] : [Step([id], .update, summary: changes.joined(separator: ", "),
                                                script: Script.make(converged: converged, change: change))]
        }
        return [Step([id], .create, summary: "directory, \(FilePlanner.metadataText(owner, group, mode))",
                     script: Script.make(converged: converged, change: change))]
    }
}
