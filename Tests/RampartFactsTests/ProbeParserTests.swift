import Foundation
import RampartBasics
@testable import RampartFacts
import RampartModel
import RampartTestSupport
import Testing

/// Facts as data, pyinfra-style: each probe section's real output, captured from the lab's
/// Debian 12 hosts (Fixtures/<host>-<probe>.txt; the lab's password hashes replaced by stand-ins
/// of the same shape), parsed by the section's own parser, then compared field by field with
/// what the hosts had — and with the reviewed facts in Fixtures/<name>.facts.json as a whole.
/// Odd output is covered too: a unit that does not exist, unicode and `|` in paths, a link
/// whose target holds `|`, a server without MySQL, a MySQL that stopped answering mid-probe.
/// `RAMPART_WRITE_FACT_FIXTURES=1` rewrites the .facts.json files (review the diff).
struct ProbeParserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func catalog(_ specs: [ResourceSpec]) -> HostCatalog {
        HostCatalog(host: "h1", address: "10.0.0.1", resources: specs.map { Resource($0) })
    }

    /// The facts `probe`'s section (for `catalog`) parses from a fixture, checked against its reviewed JSON.
    static func parse(_ fixture: String, with probe: any FactProbe.Type, _ catalog: HostCatalog, expected reviewed: String? = nil) throws -> HostFacts {
        let output = try String(contentsOf: fixtures.appendingPathComponent(fixture + ".txt"), encoding: .utf8)
        let section = probe.section(for: catalog)
        try #require(section != nil, "\(probe) asks nothing for this catalog")
        var facts = HostFacts(host: "h1")
        section!.parse(output, &facts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(facts), as: UTF8.self) + "\n"
        let expected = fixtures.appendingPathComponent((reviewed ?? fixture) + ".facts.json")
        if ProcessInfo.processInfo.environment["RAMPART_WRITE_FACT_FIXTURES"] == "1" {
            try json.write(to: expected, atomically: true, encoding: .utf8)
        }
        #expect(json == (try? String(contentsOf: expected, encoding: .utf8)), "\(fixture): parsed facts differ from \(fixture).facts.json")
        return facts
    }

    @Test func packagesFromDpkgQuery() throws {
        let facts = try Self.parse("db1-packages", with: PackageProbe.self, Self.catalog([.package(PackageResource("mariadb-server"))]))
        #expect(facts.packages.count == 8)
        #expect(facts.packages["mariadb-server"] == PackageFact(status: "ii", version: "1:10.11.18-0+deb12u1"))
        #expect(facts.packages["nginx"] == nil, "a package dpkg never knew prints nothing")
    }

    @Test func servicesInArgumentOrder() throws {
        let names = ["cron", "ssh", "prometheus-node-exporter", "mariadb", "prometheus-mysqld-exporter"]
        let facts = try Self.parse("db1-services", with: ServiceProbe.self, Self.catalog(names.map { .service(ServiceResource($0)) }))
        #expect(facts.services.count == 5)
        #expect(facts.services["mariadb"] == ServiceFact(loadState: "loaded", activeState: "active", unitFileState: "enabled"))
    }

    @Test func unitsThatSystemdHoldsStale() throws {
        // Captured on db1 right after an edit of MariaDB's drop-in, before the daemon-reload.
        let units: [ResourceSpec] = [.systemdUnit(SystemdUnitResource("mariadb.service.d/rampart.conf", source: .content("x"))),
                                     .systemdUnit(SystemdUnitResource("no-such.service", source: .content("x"))),
                                     .systemdUnit(SystemdUnitResource("cron.service.d/a.conf", source: .content("x"))),
                                     .systemdUnit(SystemdUnitResource("cron.service.d/b.conf", source: .content("x"))),
                                     .systemdUnit(SystemdUnitResource("rampart-lab-never.service", state: .masked))]
        #expect(SystemdProbe.units(Self.catalog(units)) == ["mariadb.service", "no-such.service", "cron.service", "rampart-lab-never.service"],
                "one question per unit, however many drop-ins it has")
        let facts = try Self.parse("db1-systemd", with: SystemdProbe.self, Self.catalog(units))
        #expect(facts.systemdUnits["mariadb.service"] == SystemdUnitFact(loadState: "loaded", needsDaemonReload: true))
        #expect(facts.systemdUnits["no-such.service"] == SystemdUnitFact(loadState: "not-found", needsDaemonReload: false))
        #expect(facts.systemdUnits["cron.service"]?.needsDaemonReload == false)
    }

    @Test func machineFactsOnlyWhenAConditionAsks() throws {
        let plain = Self.catalog([.package(PackageResource("nginx"))])
        #expect(StateProbe.section(for: plain)?.script.contains("nproc") == false, "a no-op without such conditions pays nothing")
        var asking = plain
        asking.resources[0].when = try ConditionParser.parse("facts.cpus >= 2 and facts.packages.htop is defined")
        let section = try #require(StateProbe.section(for: asking))
        #expect(section.script.contains("nproc") && section.script.contains("dpkg --print-architecture"))
        #expect(PackageProbe.section(for: asking)?.script.contains("htop") == true, "packages named by conditions are asked about")
        var facts = HostFacts(host: "h1")
        // Real output of db1 (24 GiB, 2 CPUs).
        section.parse("os|debian|12||bookworm\nhw|amd64|2|24683664\n", &facts)
        #expect(facts.os == OperatingSystem(id: "debian", version: "12", codename: "bookworm") && facts.os?.family == "debian")
        #expect(facts.machine == MachineFacts(architecture: "amd64", cpus: 2, memoryMB: 24105))
    }

    @Test func alternativesAndLocales() throws {
        // Captured on web2 after the resource library's undo (pager back to less, LANG=C.UTF-8).
        let specs: [ResourceSpec] = [.alternatives(AlternativesResource("pager", path: "/bin/more")),
                                     .alternatives(AlternativesResource("nosuch", path: "/bin/x")), .locale(LocaleResource("de_DE.UTF-8"))]
        let facts = try Self.parse("web2-settings", with: SystemSettingsProbe.self, Self.catalog(specs))
        #expect(facts.alternatives["pager"] == AlternativesFact(value: "/usr/bin/less", candidates: ["/bin/more", "/usr/bin/less"]))
        #expect(facts.alternatives["nosuch"] == nil, "a group the host lacks is absent")
        #expect(facts.locales == LocaleFacts(generated: ["C", "C.utf8", "POSIX", "de_DE.utf8", "en_US.utf8"], lang: "C.UTF-8", localeGen: true))
        #expect(LocaleResource("de_DE.UTF-8").normalized == "de_DE.utf8" && LocaleResource("sr_RS.UTF-8@latin").normalized == "sr_RS.utf8@latin")
    }

    @Test func mountsFromProcSelfMounts() throws {
        // Captured on web2 with the library's tmpfs and a read-only one whose mount point has a space.
        let specs: [ResourceSpec] = [.mount(MountResource("/srv/rampart-lab-scratch", source: "tmpfs", fstype: "tmpfs")),
                                     .mount(MountResource("/srv/data files", source: "tmpfs", fstype: "tmpfs")),
                                     .mount(MountResource("/srv/not-mounted", source: "tmpfs", fstype: "tmpfs"))]
        let facts = try Self.parse("web2-mounts", with: MountProbe.self, Self.catalog(specs))
        #expect(facts.mounts?["/srv/rampart-lab-scratch"] == MountFact(source: "tmpfs", fstype: "tmpfs", options: "rw,nosuid,nodev,relatime,size=8192k"))
        #expect(facts.mounts?["/srv/data files"]?.readOnly == true, "octal escapes decoded, ro seen")
        #expect(facts.mounts?["/srv/not-mounted"] == nil && facts.mounts?.count == 2, "only the asked mount points, absent when not mounted")
    }

    @Test func everyVisibleMountWhenTheCatalogReadsFactsMounts() throws {
        var catalog = Self.catalog([.mount(MountResource("/srv/rampart-lab-scratch", source: "tmpfs", fstype: "tmpfs"))])
        catalog.factKeys = [TemplateFacts.mountsKey]
        let facts = try Self.parse("web2-mounts", with: MountProbe.self, catalog, expected: "web2-mounts-listed")
        let listed = try #require(facts.mountedFilesystems)
        #expect(listed.first == TemplateFacts.MountedFilesystem(device: "overlay", path: "/", fstype: "overlay",
                                                                options: ["rw", "relatime", "lowerdir=/var/cache/rampart/lab/base-9cd06e746955",
                                                                          "upperdir=/var/lib/rampart-lab/hosts/web2/upper",
                                                                          "workdir=/var/lib/rampart-lab/hosts/web2/work", "uuid=on"]))
        #expect(Set(listed.map(\.path)).count == listed.count, "one entry per mount point")
        #expect(listed.first { $0.path == "/run/host/os-release" }?.options.first == "rw", "the one on top")
        #expect(listed.contains { $0.path == "/srv/data files" }, "octal escapes decoded")
        #expect(facts.mounts?.count == 1, "the catalog's own mount point as before")
        var plain = Self.catalog([])
        #expect(MountProbe.section(for: plain) == nil)
        plain.factKeys = [TemplateFacts.usersKey]
        #expect(MountProbe.section(for: plain) == nil, "listed only when read")
    }

    @Test func kernelModulesInAContainerAreNotVisible() throws {
        // web2 is an nspawn container: no /proc/modules (nor /sys/module).
        let facts = try Self.parse("web2-modules", with: KernelModuleProbe.self, Self.catalog([.kernelModule(KernelModuleResource("br_netfilter"))]))
        #expect(facts.kernelModules == KernelModuleFacts(visible: false, loaded: []))
        let visible = KernelModuleProbe.parse("K|nf_tables\nK|overlay\nK|br_netfilter\n", names: ["br_netfilter", "dummy"])
        #expect(visible == KernelModuleFacts(visible: true, loaded: ["br_netfilter"]))
    }

    @Test func aUnitThatDoesNotExistIsNotFound() throws {
        let names = ["cron", "no-such-unit", "nftables"]
        let facts = try Self.parse("web1-services-missing", with: ServiceProbe.self, Self.catalog(names.map { .service(ServiceResource($0)) }))
        #expect(facts.services["no-such-unit"] == ServiceFact(loadState: "not-found", activeState: "inactive", unitFileState: ""))
        #expect(facts.services["nftables"]?.activeState == "inactive" && facts.services["nftables"]?.unitFileState == "enabled")
    }

    @Test func filesWithTheirHashes() throws {
        let facts = try Self.parse("web1-files", with: FileProbe.self, Self.catalog([.directory(DirectoryResource("/etc/nginx"))]))
        let motd = try #require(facts.files["/etc/motd"])
        #expect(motd.kind == .regular && motd.owner == "root" && motd.mode == "0644" && motd.sha256?.count == 64)
        #expect(facts.files["/etc/nginx/tls/backend.key"]?.mode == "0600")
        #expect(facts.files.values.allSatisfy { $0.content == nil }, "a converged host sends no old content")
    }

    @Test func unicodeAndPipesInPathsAndLinkTargets() throws {
        let facts = try Self.parse("web1-files-unicode", with: FileProbe.self, Self.catalog([.directory(DirectoryResource("/srv"))]))
        let file = "/srv/fixture/grüße | notes.txt"
        #expect(facts.files[file]?.kind == .regular && facts.files[file]?.size == 8)
        #expect(facts.files[file]?.content == Array("grüße\n".utf8))
        #expect(facts.files[file]?.sha256 == "b8fb07e729d2c238732229327c1b0669dcb8a15705340409cbbed2a6995898e2")
        #expect(facts.files["/srv/fixture/link"]?.linkTarget == file)
        #expect(facts.files["/srv/fixture/empty dir"]?.kind == .directory)
        #expect(facts.files["/srv/fixture/missing"] == nil)
    }

    @Test func accountsFromGetent() throws {
        let facts = try Self.parse("db1-accounts", with: AccountProbe.self, Self.catalog([.user(UserResource("deploy"))]))
        #expect(facts.users["deploy"]?.uid == 1001 && facts.users["deploy"]?.home == "/home/deploy")
        #expect(facts.users["deploy"]?.groups == [], "sudo comes from sudoers.d, not a group")
        #expect(facts.groups["root"]?.gid == 0 && facts.groups["root"]?.members == [])
    }

    @Test func kernelParameters() throws {
        let facts = try Self.parse("db1-sysctl", with: SysctlProbe.self, Self.catalog([.sysctl(SysctlResource("net.core.somaxconn", value: "4096"))]))
        #expect(facts.sysctls == ["net.core.somaxconn": "4096"])
    }

    @Test func theMariaDBPrimary() throws {
        let facts = try Self.parse("db1-mysql", with: MySQLProbe.self, Self.catalog([.mysqlDatabase(MySQLDatabaseResource("app"))]))
        let mysql = try #require(facts.mysql)
        #expect(mysql.version == "10.11.18-MariaDB-0+deb12u1-log" && !mysql.readOnly && !mysql.hasReplicated)
        #expect(mysql.databases["app"] == ["utf8mb4", "utf8mb4_general_ci"])
        #expect(mysql.accounts["repl@10.231.77.22"]?.sslType == "ANY")
        #expect(mysql.replication.isEmpty, "a primary replicates from nobody: an empty SHOW REPLICA STATUS")
    }

    @Test func theMariaDBReplica() throws {
        let facts = try Self.parse("db2-mysql", with: MySQLProbe.self, Self.catalog([.mysqlDatabase(MySQLDatabaseResource("app"))]))
        let mysql = try #require(facts.mysql)
        #expect(mysql.readOnly && mysql.hasReplicated)
        #expect(mysql.replication["Master_Host"] == "10.231.77.21" && mysql.replication["Using_Gtid"] == "Slave_Pos")
        #expect(mysql.replication["Slave_IO_Running"] == "Yes" && mysql.replication["Master_SSL_Verify_Server_Cert"] == "Yes")
        #expect(mysql.replication["Read_Master_Log_Pos"] == nil, "moving positions are not facts to plan against")
    }

    @Test func noMySQLServerMeansNoFacts() throws {
        let facts = try Self.parse("web1-mysql-none", with: MySQLProbe.self, Self.catalog([.mysqlDatabase(MySQLDatabaseResource("app"))]))
        #expect(facts.mysql == nil)
    }

    @Test func aServerThatStoppedAnsweringMidProbeIsNotRunning() throws {
        // db1's real output cut after its accounts (written here: the server went away mid-probe).
        let full = try String(contentsOf: Self.fixtures.appendingPathComponent("db1-mysql.txt"), encoding: .utf8)
        let cut = full.components(separatedBy: "\nG|").first!
        var facts = HostFacts(host: "h1")
        MySQLProbe.section(for: Self.catalog([.mysqlDatabase(MySQLDatabaseResource("app"))]))!.parse(cut, &facts)
        #expect(facts.mysql == nil, "half-read accounts would plan them as missing")
    }

    @Test func theFirewallsState() throws {
        let facts = try Self.parse("lb1-firewall", with: FirewallProbe.self, Self.catalog([.firewall(FirewallResource())]))
        let firewall = try #require(facts.firewall)
        #expect(firewall.liveHash.count == 64 && firewall.confirmedHash == firewall.liveHash && firewall.enabled == "enabled")
        #expect(firewall.persisted?.hasPrefix("#!/usr/sbin/nft -f") == true)
    }

    @Test func guardedCommandsInCatalogOrder() throws {
        let catalog = Self.catalog([.command(CommandResource("secure baseline", run: "true", unless: "check-a")),
                                    .command(CommandResource("app schema", run: "true", unless: "check-b"))])
        let facts = try Self.parse("db1-guards", with: CommandGuardProbe.self, catalog)
        #expect(facts.commandsDue == ["secure baseline": false, "app schema": false])
        var due = HostFacts(host: "h1")
        CommandGuardProbe.section(for: catalog)!.parse("C|0|0\nC|1|1\nC|7|1\n", &due)
        #expect(due.commandsDue == ["secure baseline": false, "app schema": true], "an index past the catalog is ignored")
    }

    @Test func osManifestAndJournal() throws {
        let facts = try Self.parse("db1-state", with: StateProbe.self, Self.catalog([.package(PackageResource("curl"))]))
        #expect(facts.os == OperatingSystem(id: "debian", version: "12", codename: "bookworm"))
        #expect(facts.manifest.first?.id == "package:curl")
        #expect(facts.pendingHandlers.isEmpty)
    }

    /// A manifest line carries the declaration's digest after a tab; one without (an older
    /// Rampart's) still parses, and the shell skips catalog entries by id either way.
    @Test func manifestLinesWithDigests() throws {
        var facts = HostFacts(host: "h1")
        let catalog = Self.catalog([.package(PackageResource("curl"))])
        StateProbe.section(for: catalog)!.parse("M|package:curl\t00ff\nM|file:/etc/a b\nM|user:old\t\n", &facts)
        #expect(facts.manifest == [ManagedEntry(id: "package:curl", digest: "00ff"), ManagedEntry(id: "file:/etc/a b", digest: nil),
                                   ManagedEntry(id: "user:old", digest: nil)])
        #expect(facts.manifest.map(\.line) == ["package:curl\t00ff", "file:/etc/a b", "user:old"])
        // The probe's own shell: a manifest with digests, the catalog's resource skipped (no P| line), a removed one looked at.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-manifest-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("m").path
        try "package:curl\t00ff\ndirectory:\(folder.path)\t11ee\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let script = StateProbe.section(for: catalog)!.script.replacingOccurrences(of: HostPaths.manifest(catalog.playbook), with: manifest)
        let output = LocalShell.run(script).stdout
        #expect(output.contains("M|package:curl\t00ff") && output.contains("M|directory:\(folder.path)\t11ee"), "\(output)")
        #expect(!output.contains("P|curl"), "the catalog's own entry is skipped by id: \(output)")
        #expect(output.contains("S|d|") && output.contains("|" + folder.path + "\u{0}"), "the removed directory is looked at: \(output)")
    }
}

/// A saved plan is checked against a fingerprint of the facts taken in another process: the
/// facts must encode the same whatever order a `Set` iterates in there.
struct FactsFingerprintTests {
    @Test func setsDoNotMakeTheFingerprintDependOnIterationOrder() {
        let privileges = (0..<40).map { "app|PRIVILEGE_\($0)" }
        var small = Set<String>()
        var large = Set<String>(minimumCapacity: 4096)   // other buckets, another iteration order
        for p in privileges { small.insert(p) }
        for p in privileges.reversed() { large.insert(p) }
        #expect(Array(small) != Array(large), "the two sets should iterate differently for this test to mean anything")
        var a = HostFacts(host: "db1"), b = HostFacts(host: "db1")
        a.mysql = MySQLFacts()
        b.mysql = MySQLFacts()
        a.mysql?.privileges["app@%"] = small
        b.mysql?.privileges["app@%"] = large
        #expect(a.fingerprint == b.fingerprint)
    }
}
