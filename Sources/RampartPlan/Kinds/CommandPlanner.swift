import RampartFacts
import RampartModel

/// The escape hatch: a command that runs only when its guard says so (`creates` path missing,
/// `unless` check failing), or as a handler when a subscribed resource changed.
enum CommandPlanner {
    static func guardCondition(_ c: CommandResource) -> String? {
        var parts: [String] = []
        if let creates = c.creates { parts.append("[ -e \(Script.q(creates)) ]") }
        if let unless = c.unless { parts.append("( \(unless) ) >/dev/null 2>&1 </dev/null") }
        return parts.isEmpty ? nil : parts.joined(separator: " || ")
    }

    static func shortText(_ run: String) -> String {
        let line = run.split(separator: "\n").first.map(String.init) ?? run
        return line.count > 60 ? String(line.prefix(57)) + "…" : line
    }

    static func plan(_ c: CommandResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        if c.onChangeOnly { return [] }
        let skippedByCreates = c.creates.map { context.facts.files[$0] != nil } ?? false
        let skippedByUnless = c.unless != nil && context.facts.commandsDue[c.name] == false
        guard !skippedByCreates && !skippedByUnless else { return [] }
        return [Step([resource.id], .run, summary: "run `\(shortText(c.run))`",
                     script: Script.make(converged: guardCondition(c), change: "cd /\n\(c.run)"))]
    }

    static func handler(_ c: CommandResource, _ id: ResourceID, pending: Bool) -> Step {
        Step([id], .run, summary: "run `\(shortText(c.run))`" + (pending ? " (owed by an interrupted apply)" : ""),
             script: Script.make(converged: nil, change: "( cd / && \(c.run) )\n" + Script.unjournal(id, "run")),
             isHandler: true, pending: pending)
    }
}
