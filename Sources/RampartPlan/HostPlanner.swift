import RampartBasics
import RampartFacts
import RampartModel

/// Facts in, steps out, for one host. Pure: no I/O.
///
/// Order: deletions of resources that left the playbook (pruning, newest first), then the
/// catalog's resources in its dependency order (adjacent package installs merged into one apt
/// run). A handler (reload/restart/run of a resource whose subscriptions changed, or one an
/// interrupted apply journalled) runs at its own resource's place in that order, as in Puppet:
/// what comes after a database server's restart sees the new configuration.
public enum HostPlanner {
    public static func plan(catalog: HostCatalog, facts: HostFacts,
                            certificates: [ResourceID: CertificateMaterial] = [:]) -> (HostPlan, [Diagnostic]) {
        let result = planWithPayloads(catalog: catalog, facts: facts, certificates: certificates)
        return (result.plan, result.diagnostics)
    }

    /// The plan, its problems, and the clear bytes of its sensitive payloads by key — what the
    /// applier sends on stdin. The plan itself holds only their hashes.
    public static func planWithPayloads(catalog: HostCatalog, facts: HostFacts,
                                        certificates: [ResourceID: CertificateMaterial] = [:])
        -> (plan: HostPlan, diagnostics: [Diagnostic], payloads: [String: [UInt8]]) {
        // Resources whose `when:` over facts is false here are not managed (a previous apply's are pruned).
        let selected = Conditions.select(catalog, facts)
        let editSpecs = EditMarkers.specs(catalog)   // of the catalog as compiled, as the probe's
        var catalog = catalog
        catalog.resources = selected.resources
        var context = PlanContext(catalog: catalog, facts: facts)
        context.diagnostics = selected.diagnostics
        context.certificates = certificates
        var steps = prune(&context)
        var pendingInstall: [(PackageResource, String)] = []
        func flush() {
            if !pendingInstall.isEmpty { steps.append(PackagePlanner.installStep(pendingInstall, context)) }
            pendingInstall = []
        }
        for resource in catalog.resources {
            if case .package(let p) = resource.spec {
                let need = PackagePlanner.need(p, facts)
                if let target = need.install {
                    // One apt-get run installs with or without Recommends: a different choice is a new step.
                    if let last = pendingInstall.last, last.0.installRecommends != p.installRecommends { flush() }
                    pendingInstall.append((p, target))
                    context.installing.append(p.name)
                } else if need.remove {
                    flush()
                    steps.append(PackagePlanner.removeStep(p, context))
                }
                continue
            }
            flush()
            steps += plan(resource, &context)
        }
        flush()
        steps = placeHandlers(handlers(after: &steps, context), in: steps, context)
        steps = SystemdUnitPlanner.placeDaemonReloads(in: steps, context)
        steps = AptRepositoryPlanner.placeUpdate(in: steps, context)
        for index in steps.indices {
            guard let condition = steps[index].resources.lazy.compactMap({ selected.unknown[$0] }).first else { continue }
            let note = "planned if `\(condition)` holds, which is known after apply"
            steps[index].note = steps[index].note.map { $0 + "; " + note } ?? note
        }
        if facts.assumed { noteWhatOfflineAssumed(&steps, catalog, &context) }

        let declared = DeclarationDigest.entries(catalog.resources)
        steps = labelled(steps, declared: declared, manifest: facts.manifest)
        let desired = declared.map(\.line)
        let manifest = desired == facts.manifest.map(\.line) ? nil : desired
        var plan = HostPlan(host: catalog.host, playbook: catalog.playbook, fingerprint: facts.fingerprint, steps: steps, manifest: manifest,
                            stages: PlanStage.stages(of: catalog, steps: steps), assumed: facts.assumed)
        // Files whose edits this plan computed (not made at apply time), their marker not yet current.
        if !facts.assumed {
            let markers = editSpecs.keys.sorted().compactMap { path -> EditMarker? in
                guard let text = context.editedText[path], !facts.unchangedEdits.contains(path), !context.deferredEdits.contains(path) else { return nil }
                return EditMarker(path: path, spec: editSpecs[path]!, sha256: sha256Hex(Array(text.utf8)))
            }
            plan.editMarkers = markers.isEmpty ? nil : markers
        }
        return (plan, context.diagnostics, context.secretPayloads)
    }

    /// Offline, what the plan could not know is said: templates that read facts were rendered with
    /// the baseline's, a placeholder stood for a login key not made yet, a glob listed nothing.
    static func noteWhatOfflineAssumed(_ steps: inout [Step], _ catalog: HostCatalog, _ context: inout PlanContext) {
        func note(_ resources: [ResourceID], _ text: String) {
            let set = Set(resources)
            for index in steps.indices where steps[index].resources.contains(where: set.contains) {
                steps[index].note = steps[index].note.map { $0 + "; " + text } ?? text
            }
        }
        if let used = catalog.templateFacts {
            note(catalog.factDependent, "rendered with assumed facts (\(used.summary)); the host's are known after apply")
        }
        note(catalog.awaitingPublicKey, "the login key's public half (ssh_public_key) is known after apply")
        for glob in catalog.factGlobs {
            context.diagnostics.append(.warning("facts.glob['\(glob)'] lists nothing offline: what it matches is known after apply",
                                                host: catalog.host))
        }
    }

    static func plan(_ resource: Resource, _ context: inout PlanContext) -> [Step] {
        switch resource.spec {
        case .package: return []
        case .file(let f): return FilePlanner.plan(f, resource, &context)
        case .directory(let d): return DirectoryPlanner.plan(d, resource, &context)
        case .symlink(let s): return SymlinkPlanner.plan(s, resource, &context)
        case .service(let s): return ServicePlanner.plan(s, resource, &context)
        case .user(let u): return AccountPlanner.plan(user: u, resource, &context)
        case .group(let g): return AccountPlanner.plan(group: g, resource, &context)
        case .sysctl(let s): return SysctlPlanner.plan(s, resource, &context)
        case .command(let c): return CommandPlanner.plan(c, resource, &context)
        case .certificate(let c): return CertificatePlanner.plan(c, resource, &context)
        case .mysqlDatabase(let d): return MySQLDatabasePlanner.plan(d, resource, &context)
        case .mysqlUser(let u): return MySQLUserPlanner.plan(u, resource, &context)
        case .replication(let r): return ReplicationPlanner.plan(r, resource, &context)
        case .firewall(let f): return FirewallPlanner.plan(f, resource, &context)
        case .firewallRule: return []  // gathered by the host's firewall resource
        case .systemdUnit(let u): return SystemdUnitPlanner.plan(u, resource, &context)
        case .line(let l): return FileEditPlanner.plan(.line(l), resource, &context)
        case .block(let b): return FileEditPlanner.plan(.block(b), resource, &context)
        case .ini(let i): return FileEditPlanner.plan(.ini(i), resource, &context)
        case .cron(let c): return GeneratedFilePlanner.plan(path: c.path, content: c.content, state: c.state, resource, &context)
        case .pamLimits(let l): return GeneratedFilePlanner.plan(path: l.path, content: l.content, state: l.state, resource, &context)
        case .timezone(let t): return TimezonePlanner.plan(t, resource, &context)
        case .alternatives(let a): return AlternativesPlanner.plan(a, resource, &context)
        case .locale(let l): return LocalePlanner.plan(l, resource, &context)
        case .aptRepository(let r): return AptRepositoryPlanner.plan(r, resource, &context)
        case .aptPreference(let p): return GeneratedFilePlanner.plan(path: p.path, content: p.content, state: p.state, resource, &context)
        case .mount(let m): return MountPlanner.plan(m, resource, &context)
        case .kernelModule(let k): return KernelModulePlanner.plan(k, resource, &context)
        case .download(let d): return DownloadPlanner.plan(d, resource, &context)
        case .archive(let a): return ArchivePlanner.plan(a, resource, &context)
        case .sshKeypair(let k): return SSHKeyPairPlanner.plan(k, resource, &context)
        }
    }

    /// Resources in the host's manifest that the catalog no longer has: planned as removals.
    static func prune(_ context: inout PlanContext) -> [Step] {
        let current = Set(context.catalog.resources.map(\.id.description))
        let isReplica = context.catalog.resources.contains { if case .replication(let r) = $0.spec { return r.state == .present }; return false }
        var steps: [Step] = []
        for entry in context.facts.manifest.reversed() where !current.contains(entry.id) {
            guard let id = ResourceID(reference: entry.id) else { continue }
            switch id.kind {
            case .file:
                if context.facts.originals.contains(id.name) {
                    steps.append(FilePlanner.deleteStep(id.name, id, restoreOriginal: true))
                } else if context.facts.files[id.name] != nil {
                    steps.append(FilePlanner.deleteStep(id.name, id))
                }
            case .directory:
                // Removed when empty; one that holds files (a folder that was there before, like
                // /etc/cron.d a hardening role set the mode of) is only no longer managed — never a
                // failed apply. (`state: absent` still insists.)
                if context.facts.files[id.name]?.kind == .directory {
                    let p = Script.q(id.name)
                    steps.append(Step([id], .delete, summary: "remove directory \(id.name) if empty (else only no longer managed)",
                                      script: Script.make(converged: "[ ! -d \(p) ]", change: "rmdir \(p) 2>/dev/null || exit \(StepExit.unchanged)")))
                }
            case .symlink:
                let symlink = SymlinkResource(id.name, target: "", state: .absent)
                steps += SymlinkPlanner.plan(symlink, Resource(.symlink(symlink)), &context)
            case .package:
                if PackagePlanner.need(PackageResource(id.name, state: .absent), context.facts).remove {
                    steps.append(PackagePlanner.removeStep(PackageResource(id.name, state: .absent), context))
                }
            case .service:
                if let step = ServicePlanner.deleteStep(id.name, id, context) { steps.append(step) }
            case .user:
                // A system account (below Debian's UID_MIN) is the system's or a package's: no longer
                // managed, never deleted (a hardening role that set its shell may be dropped).
                if let fact = context.facts.users[id.name], fact.uid < AccountPlanner.firstRegularUID { break }
                steps += AccountPlanner.plan(user: UserResource(id.name, state: .absent), Resource(.user(UserResource(id.name))), &context)
            case .group:
                steps += AccountPlanner.plan(group: UnixGroupResource(id.name, state: .absent), Resource(.group(UnixGroupResource(id.name))), &context)
            case .sysctl:
                if let step = SysctlPlanner.deleteStep(id.name, id, context) { steps.append(step) }
            case .systemdUnit:
                if let step = SystemdUnitPlanner.deleteStep(id.name, id, context) { steps.append(step) }
            case .aptRepository:
                steps += AptRepositoryPlanner.deleteSteps(id.name, id, context)
            case .aptPreference:
                if let step = GeneratedFilePlanner.deleteStep(AptPreferenceResource.directory + "/" + id.name, id, context) { steps.append(step) }
            case .cron:
                if let step = GeneratedFilePlanner.deleteStep(CronResource.path(id.name), id, context) { steps.append(step) }
            case .kernelModule:
                steps += KernelModulePlanner.deleteSteps(id.name, id, context)
            case .download:
                if context.facts.files[id.name] != nil { steps.append(FilePlanner.deleteStep(id.name, id)) }
            case .pamLimits:
                if let step = GeneratedFilePlanner.deleteStep(PamLimitResource.path(id.name), id, context) { steps.append(step) }
            case .mysqlUser:
                // An account dropped from the playbook is dropped from the server (accounts are
                // config) — but not on a replica: its accounts are its primary's, replicated (a
                // demoted primary keeps them; a drop there would be a transaction of its own).
                if isReplica { continue }
                let parts = id.name.split(separator: "@", maxSplits: 1).map(String.init)
                if parts.count == 2, context.facts.mysql?.accounts[id.name] != nil {
                    steps.append(Step([id], .delete, summary: "DROP USER \(id.name) (no longer managed)",
                                      script: StepScript(converged: nil, change: MySQL.runner),
                                      payload: .text("DROP USER IF EXISTS \(MySQL.account(parts[0], parts[1]));\n")))
                }
            case .command, .firewall, .firewallRule, .mysqlDatabase, .replication, .certificate, .line, .block, .ini, .timezone, .alternatives, .locale,
                 .mount, .archive, .sshKeypair:
                // Databases are never dropped by pruning: their data is not configuration. An
                // edit of someone else's file stays as it is (as Ansible's): `state: absent` undoes
                // it. Mounts stay mounted and unpacked files stay (they may hold data); a key pair
                // is an identity others may trust: kept.
                continue
            }
        }
        return steps
    }

    /// Inserts each handler after the last step of a resource at or before its own in the catalog.
    static func placeHandlers(_ handlers: [Step], in steps: [Step], _ context: PlanContext) -> [Step] {
        let position = Dictionary(context.catalog.resources.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        func rank(_ step: Step) -> Int { step.resources.compactMap { position[$0] }.max() ?? -1 }
        var result = steps
        for handler in handlers {
            let own = rank(handler)
            let index = result.lastIndex { !$0.isHandler && rank($0) <= own }.map { $0 + 1 } ?? 0
            // After any handler already placed there, to keep their catalog order.
            var insertAt = index
            while insertAt < result.count && result[insertAt].isHandler && rank(result[insertAt]) <= own { insertAt += 1 }
            result.insert(handler, at: insertAt)
        }
        return result
    }

    /// Services and commands subscribed to `id`, with the handler action they journal.
    static func subscribers(of id: ResourceID, _ context: PlanContext) -> [(ResourceID, String)] {
        context.catalog.resources.compactMap { r in
            guard r.subscribes.contains(id) else { return nil }
            switch r.spec {
            case .service(let s) where s.state == .running: return (r.id, s.refresh.rawValue)
            case .command: return (r.id, "run")
            default: return nil
            }
        }
    }

    /// Journals each step's handlers and plans the handlers themselves.
    static func handlers(after steps: inout [Step], _ context: PlanContext) -> [Step] {
        var triggered: Set<ResourceID> = []
        for index in steps.indices {
            var journal: [String] = []
            for id in steps[index].resources {
                for (handler, action) in subscribers(of: id, context) where !steps[index].triggers.contains(handler) {
                    steps[index].triggers.append(handler)
                    journal.append("\(handler) \(action)")
                    triggered.insert(handler)
                }
            }
            steps[index].journal = journal
        }
        let pending = Set(context.facts.pendingHandlers.compactMap { ResourceID(reference: $0.resource) })
        var result: [Step] = []
        for resource in context.catalog.resources where triggered.contains(resource.id) || pending.contains(resource.id) {
            let isPending = pending.contains(resource.id)
            switch resource.spec {
            case .service(let s) where s.state == .running: result.append(ServicePlanner.handler(s, resource.id, pending: isPending))
            case .command(let c): result.append(CommandPlanner.handler(c, resource.id, pending: isPending))
            default: continue
            }
        }
        return result
    }
}
