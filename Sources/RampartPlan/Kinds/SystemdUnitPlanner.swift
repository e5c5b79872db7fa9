import RampartBasics
import RampartFacts
import RampartModel

/// systemd unit files, drop-ins and masks in /etc/systemd/system, and the `daemon-reload` they
/// owe: one after the unit changes, before the first later step that needs it (so a restart
/// sees the new unit), or at the end. Units declared together before the services that use
/// them cost one reload per host.
enum SystemdUnitPlanner {
    /// Mode and owner of every unit file Rampart writes (systemd warns about group/world-writable ones).
    static let owner = "root", group = "root", mode = "0644"

    static func plan(_ u: SystemdUnitResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let fact = context.facts.files[u.path]
        let isMask = fact?.kind == .symlink && fact?.linkTarget == "/dev/null"
        switch u.state {
        case .absent:
            guard fact != nil else { return [] }
            var step = FilePlanner.deleteStep(u.path, id)
            if isMask { step.summary = "unmask \(u.unit)" }
            return [step]
        case .masked:
            guard !isMask else { return [] }
            let p = Script.q(u.path)
            // `systemctl mask` refuses when a unit file is in the way: it is kept as a backup first.
            let change = FilePlanner.keepCopy(of: u.path) + "\n"
                + "ln -sfn /dev/null \(p)"
            return [Step([id], fact == nil ? .create : .update, summary: fact == nil ? "mask (link to /dev/null)" : "mask, replacing \(u.path) (a copy is kept)",
                         script: Script.make(converged: "[ \"$(readlink \(p))\" = /dev/null ]", change: change))]
        case .present:
            guard let content = u.content else { return [] }
            if let fact, fact.kind != .regular && !isMask {
                context.error("\(u.path) is a \(fact.kind.rawValue), not a unit file", hint: "remove it by hand first", resource: id)
                return []
            }
            let file = FileResource(u.path, source: .content(content), owner: owner, group: group, mode: mode)
            guard isMask else { return FilePlanner.plan(file, resource, &context) }
            // The file replaces the mask link (the rename replaces the link, not /dev/null).
            let bytes = Array(content.revealed().utf8)
            return [Step([id], .update, summary: "unmask, \(bytes.count) bytes",
                         diff: content.isSensitive ? nil : UnifiedDiff.make(old: "", new: content.redacted, path: u.path),
                         script: FilePlanner.writeScript(file, sha256: sha256Hex(bytes), owner: owner, group: group, mode: mode,
                                                         keepOriginal: false, context),
                         payload: context.payload(content, key: u.path))]
        }
    }

    /// A unit file no longer in the playbook: removed (or unmasked).
    static func deleteStep(_ name: String, _ id: ResourceID, _ context: PlanContext) -> Step? {
        GeneratedFilePlanner.deleteStep(SystemdUnitResource.directory + "/" + name, id, context)
    }

    /// Inserts the `daemon-reload` steps the unit changes of `steps` (and units systemd already
    /// holds stale, per its `NeedDaemonReload`) owe: before the first later step that needs it
    /// to have them, and again only if a unit changed after that reload. A changed /etc/fstab
    /// owes one too (systemd makes its mount units from fstab), before the mounts that use it.
    static func placeDaemonReloads(in steps: [Step], _ context: PlanContext) -> [Step] {
        let stale = context.catalog.resources.filter { resource in
            if case .systemdUnit(let u) = resource.spec { return context.facts.systemdUnits[u.unit]?.needsDaemonReload == true }
            return false
        }.map(\.id)
        return FollowUp.place(in: steps, owedAlready: stale,
                              owes: { id, step in id.kind == .systemdUnit || (id.kind == .mount && MountPlanner.writesFstab(step)) },
                              needs: needsReload, make: reloadStep)
    }

    /// A step that starts, stops, restarts or enables a unit of `owed`, mounts what a changed
    /// fstab describes, or may touch any unit (a command, the firewall's confirm timer).
    /// Package installs need none: dpkg's maintainer scripts reload systemd themselves.
    static func needsReload(_ step: Step, owed: [ResourceID]) -> Bool {
        let units = Set(owed.filter { $0.kind == .systemdUnit }.map { SystemdUnitResource($0.name).unit })
        let fstabChanged = owed.contains { $0.kind == .mount }
        return step.resources.contains { id in
            switch id.kind {
            case .service: return units.contains(ServiceResource.unit(id.name))
            case .mount: return fstabChanged && !MountPlanner.writesFstab(step)
            case .command, .firewall: return true
            default: return false
            }
        }
    }

    static func reloadStep(_ units: [ResourceID], stale: Bool) -> Step {
        Step(units, .reload, summary: stale ? "daemon-reload (a unit file changed on disk since systemd loaded it)"
                : units.allSatisfy({ $0.kind == .mount }) ? "daemon-reload (fstab changed)" : "daemon-reload",
             script: Script.make(converged: nil, change: "systemctl daemon-reload"))
    }
}
