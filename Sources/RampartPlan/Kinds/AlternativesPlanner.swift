import RampartFacts
import RampartModel

/// `update-alternatives --set`: the group must exist and offer the program (a package this plan
/// installs may add both: then it is known after apply).
enum AlternativesPlanner {
    static func plan(_ a: AlternativesResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let fact = context.facts.alternatives[a.name]
        if fact?.value == a.path { return [] }
        var note: String?
        if fact?.candidates.contains(a.path) != true {
            guard context.facts.assumed || !context.installing.isEmpty else {
                context.error(fact == nil ? "there is no alternatives group '\(a.name)' on this host"
                                          : "\(a.path) is not one of the programs '\(a.name)' offers (\(fact!.candidates.joined(separator: ", ")))",
                              hint: "install the package that provides it first; `update-alternatives --query \(a.name)` lists them", resource: resource.id)
                return []
            }
            note = "the group and its programs are known after apply"
        }
        let name = Script.q(a.name), path = Script.q(a.path)
        return [Step([resource.id], .update, summary: "\(fact?.value.isEmpty == false ? fact!.value : "(known after apply)") → \(a.path)",
                     script: Script.make(converged: "[ \"$(update-alternatives --query \(name) 2>/dev/null | sed -n 's/^Value: //p')\" = \(path) ]",
                                         change: "update-alternatives --quiet --set \(name) \(path)"),
                     note: note)]
    }
}
