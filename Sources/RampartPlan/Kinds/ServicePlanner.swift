import RampartFacts
import RampartModel

/// systemd services: enabled at boot, running or stopped; reloaded or restarted as a handler when
/// something they subscribe to changed.
enum ServicePlanner {
    static func plan(_ s: ServiceResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let unit = Script.q(s.name)
        var fact = context.facts.services[s.name]
        var note: String?
        if fact?.exists != true {
            if let package = context.unitComesFrom(s.name), let effect = PackageKnowledge.effects[package]?.units[s.name] {
                // Predicted: the package's install creates and (by Debian's policy) starts it.
                fact = ServiceFact(loadState: "loaded", activeState: effect.running ? "active" : "inactive",
                                   unitFileState: effect.enabled ? "enabled" : "disabled")
                note = "unit created by package:\(package); its state after install is predicted"
            } else {
                note = "unit not found now: it must exist when this step runs (known after apply)"
            }
        }
        var actions: [String] = [], commands: [String] = [], checks: [String] = []
        if let enabled = s.enabled {
            checks.append(enabled ? "systemctl is-enabled -q \(unit)" : "! systemctl is-enabled -q \(unit)")
            if fact?.enabled != enabled {
                actions.append(enabled ? "enable" : "disable")
                commands.append("systemctl \(enabled ? "enable" : "disable") -q \(unit)")
            }
        }
        let running = s.state == .running
        checks.append(running ? "systemctl is-active -q \(unit)" : "! systemctl is-active -q \(unit)")
        if fact?.running != running || fact?.exists != true && note?.hasPrefix("unit not found") == true {
            if fact?.running != running { actions.append(running ? "start" : "stop") }
            if running { commands.append(resetFailed(unit)) }
            commands.append("systemctl \(running ? "start" : "stop") \(unit)")
        }
        guard !actions.isEmpty else { return [] }
        return [Step([id], fact?.exists == true && note == nil ? .update : .create, summary: actions.joined(separator: ", "),
                     script: Script.make(converged: checks.joined(separator: " && "), change: commands.joined(separator: "\n")),
                     note: note)]
    }

    /// Forgets the unit's earlier failures before Rampart starts it: a service that a package
    /// started before its configuration was written crash-loops into systemd's start limit
    /// (5 starts in 10 s), and the restart with the right configuration would be refused.
    static func resetFailed(_ unit: String) -> String { "systemctl reset-failed \(unit) 2>/dev/null || true" }

    /// The reload/restart handler when a subscribed resource changes.
    static func handler(_ s: ServiceResource, _ id: ResourceID, pending: Bool) -> Step {
        let unit = Script.q(s.name)
        let action: StepAction = s.refresh == .reload ? .reload : .restart
        let verb = s.refresh == .reload ? "reload-or-restart" : "restart"
        return Step([id], action, summary: pending ? "\(s.refresh.rawValue) (owed by an interrupted apply)" : s.refresh.rawValue,
                    script: Script.make(converged: nil, change: resetFailed(unit) + "\nsystemctl \(verb) \(unit)\n" + Script.unjournal(id, s.refresh.rawValue)),
                    isHandler: true, pending: pending)
    }

    static func deleteStep(_ name: String, _ id: ResourceID, _ context: PlanContext) -> Step? {
        guard let fact = context.facts.services[name], fact.exists, fact.enabled || fact.running else { return nil }
        let unit = Script.q(name)
        return Step([id], .delete, summary: "stop and disable (no longer managed)",
                    script: Script.make(converged: "! systemctl is-enabled -q \(unit) && ! systemctl is-active -q \(unit)",
                                        change: "systemctl disable --now -q \(unit)"))
    }
}
