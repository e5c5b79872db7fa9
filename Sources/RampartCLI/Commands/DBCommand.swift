import ArgumentParser
import Foundation
import Rampart
import RampartApply
import RampartBasics
import RampartCatalog
import RampartDSL
import RampartLoading
import RampartModel
import RampartRemote
import RampartSite

/// `rampart db`: operations on the data tier that are not a converge.
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Operate the database tier (switchover).",
        subcommands: [PromoteCommand.self]
    )
}

/// `rampart db promote HOST`: the replica becomes the primary, in a controlled way.
///
/// Which server is the primary is written in the inventory (the host in group `db_primary`; the
/// replicas in `db_replicas`), so the switchover ends by editing those two lists in the
/// inventory file — comments and layout kept — and applying the playbook with it: the old
/// primary's role file and the web servers' application config follow, the web play rolling
/// as usual. Commit the edited inventory afterwards, as after `cargo add`. A site written in
/// Swift has those groups in its source: promote edits their host lists there (rebuild and
/// commit afterwards) and applies the site with the hosts moved.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Make a replica the primary: pause writes, catch up, swap roles, re-point the old primary, roll the application.",
        discussion: """
        Steps: preflight (HOST replicates from the primary, threads running) → writes paused on the
        primary (read_only) → HOST catches up to the primary's last GTID (else the pause is undone
        and nothing changed) → HOST takes writes → the old primary replicates from HOST → the
        inventory's groups are swapped → the playbook is applied (application config rolled).

          rampart db promote db2 -i inventories/lab.yml            # playbooks/site.yml beside inventories/
          rampart db promote db1 -i inventories/lab.yml            # and back

        A dead primary cannot be paused: see docs/database.md for that procedure.
        """
    )

    @Argument(help: "The replica to promote (an inventory host).")
    var host: String

    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); edited in place. In a Swift site's executable, left out: the site's source is edited.")
    var inventoryFile: String?

    @Argument(help: "The playbook to apply afterwards (default: playbooks/site.yml beside the inventory's folder).")
    var playbook: String?

    @Option(name: .long, help: "The group that holds the primary (default: `db_primary`, or the inventory's `site_groups.db_primary`).")
    var primaryGroup: String?

    @Option(name: .long, help: "The group that holds the replicas (default: `db_replicas`, or the inventory's `site_groups.db_replicas`).")
    var replicaGroup: String?

    @Option(name: .long, help: "Seconds the replica may take to catch up while writes are paused.")
    var catchUpTimeout = 30

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    /// What a switchover moves, checked before anything changes.
    struct Move {
        let project: Project
        let inventoryPath: String
        let playbookPath: String
        let old: Host
        let target: Host
        let replication: ReplicationResource
        /// The two groups swapped: the inventory file's text, or the Swift site's source.
        let edited: Edit
        let primaryGroup: String
        let replicaGroup: String
    }

    enum Edit {
        case inventoryText(String)
        case swiftSource(GroupMembersEdit)

        /// What is edited, for the messages.
        func files(_ inventory: String) -> String {
            switch self {
            case .inventoryText: return inventory
            case .swiftSource(let edit): return edit.files.map { SwiftLocation.shown($0.path) }.joined(separator: ", ")
            }
        }
    }

    func run() async throws {
        let move = try prepare()
        let inventory = move.inventoryPath, edited = move.edited.files(move.inventoryPath)
        Terminal.shared.write("""
        Switchover: \(host) becomes the primary, \(move.old.name) its replica.
          writes on \(move.old.name) pause until \(host) has caught up (at most \(catchUpTimeout) s), then go to \(host);
          \(edited): \(host) moves to `\(move.primaryGroup)`, \(move.old.name) to `\(move.replicaGroup)`;
          then \(move.playbookPath) is applied (the application's config rolls to the new primary).

        """)
        guard try confirmed() else {
            Terminal.shared.write("Cancelled; nothing changed.\n")
            return
        }
        try await switchOver(move)
        switch move.edited {
        case .inventoryText:
            try await ApplyCommand.parse(["-i", inventory, move.playbookPath, "--yes"]).run()
        case .swiftSource(let edit):
            // This executable still holds the site as built: apply the site as the edited source says.
            ProjectSource.builtIn = edit.site
            try await ApplyCommand.parse(["--yes"]).run()
        }
    }

    /// The project, the replica and its primary, and the edited inventory (which must still load).
    func prepare() throws -> Move {
        let inventory = try ProjectSource.inventory(inventoryFile)
        let swiftSite = ProjectSource.isSite(inventory: inventory) && playbook == nil ? ProjectSource.builtIn : nil
        let playbookPath = swiftSite?.playbookPath ?? playbook ?? URL(fileURLWithPath: inventory).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("playbooks/site.yml").path
        let project = try ProjectSource.load(inventory: inventory, playbook: playbookPath)
        let layout = try SiteLayout(inventory: project.inventory)
        let primaryGroup = self.primaryGroup ?? layout.groups[.primary]!, replicaGroup = self.replicaGroup ?? layout.groups[.replicas]!
        let catalog = try project.compile()
        guard let target = project.inventory.host(named: host) else {
            throw DiagnosticError(.error("'\(host)' is not a host of \(inventory)",
                                         hint: Suggestion.didYouMean(host, in: project.inventory.hosts.map(\.name))))
        }
        guard let replication = Self.replication(in: catalog, host), replication.state == .present else {
            throw DiagnosticError(.error("\(host) is not a replica in \(playbookPath) (it has no `replication` resource)",
                                         hint: "promote a host of group `\(replicaGroup)`"))
        }
        guard let old = project.inventory.host(named: replication.primary) else {
            throw DiagnosticError(.error("\(host)'s primary '\(replication.primary)' is not a host of \(inventory)"))
        }
        let edited: Edit
        if let swiftSite {
            func swapped(_ group: String) -> [String] {
                (project.inventory.group(named: group)?.hosts ?? []).map { $0 == old.name ? host : $0 == host ? old.name : $0 }
            }
            let edit = try swiftSite.moving(members: [primaryGroup: swapped(primaryGroup), replicaGroup: swapped(replicaGroup)])
            try checkEdited(try edit.site.load(vault: Diagnostics.vaultPassword).compile(), playbookPath: playbookPath,
                            oldPrimary: old.name, groups: (primaryGroup, replicaGroup))
            edited = .swiftSource(edit)
        } else {
            let text = try String(contentsOfFile: inventory, encoding: .utf8)
            let swappedText = try InventoryEditor.swapPrimary(text, file: inventory, primaryGroup: primaryGroup, replicaGroup: replicaGroup,
                                                              oldPrimary: old.name, newPrimary: host)
            try checkEdited(try probeCatalog(swappedText, inventory: inventory, playbookPath: playbookPath), playbookPath: playbookPath,
                            oldPrimary: old.name, groups: (primaryGroup, replicaGroup))
            edited = .inventoryText(swappedText)
        }
        return Move(project: project, inventoryPath: inventory, playbookPath: playbookPath, old: old, target: target, replication: replication,
                    edited: edited, primaryGroup: primaryGroup, replicaGroup: replicaGroup)
    }

    func confirmed() throws -> Bool {
        if yes { return true }
        guard isatty(STDIN_FILENO) != 0 else {
            throw DiagnosticError(.error("promote needs confirmation and there is no terminal", hint: "pass --yes"))
        }
        Terminal.shared.write("Promote \(host)? Only 'yes' is accepted: ")
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    /// The switchover itself, both hosts locked; the inventory is rewritten once the new primary takes writes.
    func switchOver(_ move: Move) async throws {
        let (old, target, replication, edited) = (move.old, move.target, move.replication, move.edited)
        let factory = ConnectionFactory(inventory: move.project.inventory)
        let oldConnection = try await factory.connect(old)
        let newConnection = try await factory.connect(target)
        let switchover = Switchover(oldPrimary: .init(name: old.name, address: old.address, connection: oldConnection),
                                    newPrimary: .init(name: host, address: target.address, connection: newConnection),
                                    replication: replication, catchUpTimeout: catchUpTimeout,
                                    progress: { Terminal.shared.write("  \($0)\n") })
        let started = Monotonic.now()
        var failure: Switchover.Failure?
        do {
            // No apply may run on either server meanwhile: both hosts' Rampart locks are held.
            try await HostLock.holding([(old.name, oldConnection), (host, newConnection)], as: .thisProcess(command: "rampart db promote")) {
                try await switchover.run()
            }
        } catch let error as Switchover.Failure {
            failure = error
        } catch {
            await oldConnection.close()
            await newConnection.close()
            throw error
        }
        await oldConnection.close()
        await newConnection.close()
        if let failure, !failure.promoted { throw DiagnosticError(failure.diagnostic) }  // nothing moved; the inventory stays
        // The new primary takes writes: the inventory (or the site's source) says so from here on.
        switch edited {
        case .inventoryText(let text):
            try AtomicFile.write(Data(text.utf8), to: move.inventoryPath, mode: Self.mode(of: move.inventoryPath))
            Terminal.shared.write(String(format: "  %@ is the primary (switchover %.1f s); %@ updated: commit it.\n",
                                         host, Monotonic.now() - started, move.inventoryPath))
        case .swiftSource(let edit):
            for file in edit.files { try AtomicFile.write(Data(file.text.utf8), to: file.path, mode: Self.mode(of: file.path)) }
            Terminal.shared.write(String(format: "  %@ is the primary (switchover %.1f s); %@ updated: rebuild and commit it.\n",
                                         host, Monotonic.now() - started, edited.files(move.inventoryPath)))
        }
        if let failure { throw DiagnosticError(failure.diagnostic) }
    }

    /// The edited inventory, loaded with the playbook beside a copy of it.
    private func probeCatalog(_ text: String, inventory: String, playbookPath: String) throws -> Catalog {
        let folder = URL(fileURLWithPath: inventory).deletingLastPathComponent()
        let probe = folder.appendingPathComponent(".rampart-promote-\(getpid())-" + URL(fileURLWithPath: inventory).lastPathComponent)
        try text.write(to: probe, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probe) }
        // The inventory's own folder (group_vars, vault) is found by name: link it for the probe.
        let ownFolder = folder.appendingPathComponent(URL(fileURLWithPath: inventory).deletingPathExtension().lastPathComponent)
        let probeFolder = URL(fileURLWithPath: probe.path).deletingPathExtension()
        if FileManager.default.fileExists(atPath: ownFolder.path) {
            try FileManager.default.createSymbolicLink(at: probeFolder, withDestinationURL: ownFolder)
        }
        defer { try? FileManager.default.removeItem(at: probeFolder) }
        return try Project.load(inventory: probe.path, playbook: playbookPath, vault: Diagnostics.vaultPassword).compile()
    }

    /// The edited inventory must make the promoted host the primary.
    private func checkEdited(_ catalog: Catalog, playbookPath: String, oldPrimary: String, groups: (primary: String, replica: String)) throws {
        let demoted = Self.replication(in: catalog, oldPrimary), promoted = Self.replication(in: catalog, host)
        guard demoted?.state == .present, demoted?.primary == host, promoted?.state == .absent else {
            throw DiagnosticError(.error("after moving the hosts between `\(groups.primary)` and `\(groups.replica)`, \(playbookPath) does not make \(host) the primary and \(oldPrimary) its replica",
                                         hint: "the plays must select the primary and the replicas by these groups (see playbooks/site.yml)"))
        }
    }

    /// The host's `replication` resource in a compiled playbook (present: a replica; absent: a primary).
    static func replication(in catalog: Catalog, _ host: String) -> ReplicationResource? {
        catalog[host]?.resources.lazy.compactMap { r -> ReplicationResource? in
            if case .replication(let x) = r.spec { return x }
            return nil
        }.first
    }

    static func mode(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? 0o644
    }
}
