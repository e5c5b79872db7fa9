import ArgumentParser
import Foundation
import Rampart
import RampartApply
import RampartBasics
import RampartCatalog
import RampartPlan

/// `rampart apply`: plan, show, confirm, change — or apply a saved plan exactly.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the hosts match the playbook (or apply a saved plan).",
        discussion: """
        Takes each host's lock and gathers its facts in one exec, plans, shows the plan and asks
        for confirmation (--yes skips). Hosts run in parallel; a play's `after:` makes hosts wait
        for others. Each step re-checks its guard before changing anything; configs with a
        checker are validated before a service sees them; handlers are journalled on the host
        so an interrupted apply finishes them next time.

          rampart apply -i inventories/lab.yml playbooks/site.yml
          rampart apply site.plan            # exactly a saved plan; refused if a host changed since
        """
    )

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed with a saved plan.")
    var inventory: String?

    @Argument(help: "Playbook file (YAML), or a plan file saved by `rampart plan --out`.")
    var target: String

    @Option(name: .long, help: "Hosts to apply: host or group names or globs, comma-separated; '!x' excludes.")
    var limit: String?

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    @Flag(name: .long, help: "Stop every host at the first host failure.")
    var failFast = false

    @Flag(name: .long, help: "Print JSON Lines events instead of text.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print every step's output (text), or put it in every step event (--json).")
    var verbose = false

    @Option(name: .long, help: "Most hosts worked on at once.")
    var forks: Int = 64

    @Option(name: .long, help: "Seconds to wait for another apply's lock on a host.")
    var lockTimeout: Double = 300

    func run() async throws {
        let saved = inventory == nil ? try PlanFile.decode(path: target) : nil
        let inventoryPath = saved?.inventory ?? inventory!
        let playbookPath = saved?.playbook ?? target
        let project = try Project.load(inventory: inventoryPath, playbook: playbookPath, vault: Diagnostics.vaultPassword)
        var catalog = try project.compile(limit: limit)
        if let saved { catalog.hosts = catalog.hosts.filter { c in saved.hosts.contains { $0.host == c.host } } }
        // Live per-host lines on a terminal; one line per event otherwise; JSON Lines with --json.
        let live = !json && !verbose && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
            ? LiveApplyView(hosts: catalog.hosts.map(\.host)) : nil
        let observer: ApplyObserver
        if json { observer = JSONApplyView(verbose: verbose) } else if let live { observer = live } else {
            observer = TextApplyView(width: catalog.hosts.map(\.host.count).max() ?? 0, verbose: verbose)
        }
        let started = Monotonic.now()
        // A saved plan is checked against facts taken under the lock; otherwise a first look
        // without it, so that hosts already converged are done in one exec (Engine.settle).
        let sessions = saved != nil
            ? await Engine.gather(project: project, catalog: catalog, lock: true, forks: forks, lockTimeout: lockTimeout, observer: observer)
            : await Engine.peek(project: project, catalog: catalog, forks: forks)
        do { try Engine.issueCertificates(project: project, sessions: sessions) } catch {
            await Engine.release(sessions)
            await Engine.close(sessions)
            throw error
        }
        if let saved {
            // Re-planning from the same facts yields the same steps and, in memory only, their secrets.
            Engine.plan(sessions)
            for session in sessions where session.error == nil {
                guard let planned = saved.hosts.first(where: { $0.host == session.host.name }) else { continue }
                if session.facts?.fingerprint != planned.fingerprint {
                    session.error = .error("the host changed since the plan was made; the saved plan is refused",
                                           hint: "run `rampart plan … --out FILE` again", host: session.host.name, step: "fingerprint")
                } else {
                    session.plan = planned
                }
            }
        } else {
            Engine.plan(sessions)
            await Engine.settle(sessions, forks: forks, lockTimeout: lockTimeout, observer: observer)
        }
        let plan = Plan(inventory: inventoryPath, playbook: playbookPath, hosts: sessions.compactMap { $0.error == nil ? $0.plan : nil })
        let errors = Dictionary(sessions.compactMap { s in s.error.map { (s.host.name, $0) } }, uniquingKeysWith: { a, _ in a })
        if json { (observer as? JSONApplyView)?.plan(plan, errors: errors) } else { Terminal.shared.write(PlanView().render(plan, errors: errors)) }

        if saved == nil && !plan.summary.isEmpty && !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                await Engine.release(sessions)
                await Engine.close(sessions)
                throw DiagnosticError(.error("apply needs confirmation and there is no terminal", hint: "pass --yes to apply without asking"))
            }
            Terminal.shared.write("\nApply these changes? Only 'yes' is accepted: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                await Engine.release(sessions)
                await Engine.close(sessions)
                Terminal.shared.write("Apply cancelled; nothing changed.\n")
                return
            }
        }
        if failFast && !errors.isEmpty {
            await Engine.release(sessions)
            await Engine.close(sessions)
            throw ExitCodes.failure
        }

        let payloads = Engine.payloads(sessions)
        let relay = Engine.relay(project: project, sessions: sessions)
        let factory = ConnectionFactory(inventory: project.inventory)
        let reconnect: Reconnect = { name in try await factory.connect(named: name) }
        live?.start()
        let byHost = Dictionary(uniqueKeysWithValues: sessions.map { ($0.host.name, $0) })
        let failFast = self.failFast
        let stop = StopFlag()
        // Hosts whose applier ran (it releases the lock itself); every other locked host is released below.
        let applied = Locked<Set<String>>([])
        let reports = await HostScheduler.run(
            hosts: sessions.map(\.host.name),
            waitsFor: Dictionary(uniqueKeysWithValues: sessions.map { ($0.host.name, $0.catalog.waitsFor) }),
            rolls: Dictionary(uniqueKeysWithValues: sessions.compactMap { s in
                (s.plan?.rolling ?? s.catalog.rolling).map { (s.host.name, HostScheduler.Roll(name: $0.play, serial: $0.serial)) }
            }),
            forks: forks,
            work: { name in
                let session = byHost[name]!
                var report = HostReport(host: name)
                guard !stop.isSet else { report.error = .error("not started: --fail-fast after another host failed", host: name); return report }
                guard let connection = session.connection, let plan = session.plan, session.error == nil else {
                    report.error = session.error
                    return report
                }
                if session.settled {
                    report.execs = connection.execCount
                    observer.event(.hostFinished(report))
                    return report
                }
                report = await RollingHooks.around(plan, inventory: project.inventory, observer: observer) {
                    applied.withLock { _ = $0.insert(name) }
                    return await HostApplier(plan: plan, connection: connection, payloads: payloads, relay: relay, reconnect: reconnect, observer: observer,
                                             shouldStop: { failFast && stop.isSet }).run()
                }
                if !report.succeeded && failFast { stop.set() }
                return report
            },
            skipped: { name, reason in
                var report = HostReport(host: name)
                report.error = .error(reason, host: name)
                observer.event(.hostFinished(report))
                return report
            })
        live?.stop()
        let done = applied.current
        await Engine.release(sessions.filter { !done.contains($0.host.name) })
        await Engine.close(sessions)
        if json {
            (observer as? JSONApplyView)?.summary(reports, seconds: Monotonic.now() - started)
        } else {
            Terminal.shared.write(ApplySummary.table(reports, seconds: Monotonic.now() - started))
        }
        if reports.contains(where: { !$0.succeeded }) { throw ExitCodes.failure }
    }
}

/// Set once by the first failing host under --fail-fast.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
