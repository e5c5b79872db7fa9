import RampartModel

/// A step that changes owe their host once — systemd's `daemon-reload`, apt's `update` — placed
/// after them, right before the first later step that needs it; again only for changes made
/// after it; else at the end.
enum FollowUp {
    /// `owedAlready`: resources that owe it before any step (the facts say so). `owes`: whether a
    /// resource owes it after the step changed it. `needs`: whether a step must run after it, given what is owed.
    /// `make`: the step, for what it settles and whether that includes `owedAlready`.
    static func place(in steps: [Step], owedAlready: [ResourceID] = [], owes: (ResourceID, Step) -> Bool,
                      needs: (Step, [ResourceID]) -> Bool, make: ([ResourceID], Bool) -> Step) -> [Step] {
        var owed = owedAlready
        var includesAlready = !owed.isEmpty
        var result: [Step] = []
        func settle() {
            result.append(make(owed, includesAlready))
            owed = []
            includesAlready = false
        }
        for step in steps {
            if !owed.isEmpty && needs(step, owed) { settle() }
            result.append(step)
            for id in step.resources where owes(id, step) && !owed.contains(id) { owed.append(id) }
        }
        if !owed.isEmpty { settle() }
        return result
    }
}
