import RampartFacts
import RampartModel

/// Symbolic links: point `path` at `target`; never replace a real file or directory.
enum SymlinkPlanner {
    static func plan(_ s: SymlinkResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let p = Script.q(s.path)
        let fact = context.facts.files[s.path]
        if s.state == .absent {
            guard let fact else { return [] }
            guard fact.kind == .symlink else {
                context.error("\(s.path) is a \(fact.kind.rawValue), not a symlink; Rampart will not remove it", resource: id)
                return []
            }
            return [Step([id], .delete, summary: "remove symlink \(s.path)", script: Script.make(converged: "[ ! -L \(p) ]", change: "rm -f \(p)"))]
        }
        if let fact, fact.kind != .symlink {
            context.error("\(s.path) exists and is a \(fact.kind.rawValue), not a symlink", hint: "remove it first", resource: id)
            return []
        }
        if fact?.linkTarget == s.target { return [] }
        let converged = "[ -L \(p) ] && [ \"$(readlink -- \(p))\" = \(Script.q(s.target)) ]"
        let change = "if [ -e \(p) ] && [ ! -L \(p) ]; then echo \(Script.q("\(s.path) exists and is not a symlink")) >&2; exit 4; fi\nln -sfn -- \(Script.q(s.target)) \(p)"
        return [Step([id], fact == nil ? .create : .update,
                     summary: fact == nil ? "→ \(s.target)" : "target \(fact!.linkTarget ?? "?") → \(s.target)",
                     script: Script.make(converged: converged, change: change))]
    }
}
