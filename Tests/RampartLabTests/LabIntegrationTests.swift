import Foundation
import RampartLab
import RampartLoading
import RampartModel
import RampartRemote
import RampartSSH
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let labInventory = packageRoot.appendingPathComponent("inventories/lab.yml").path

/// Runs the built `rampart` binary (short-lived child only) and returns status and output.
func rampart(_ arguments: [String], executable: String = "rampart") throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = packageRoot.appendingPathComponent(".build/debug/" + executable)
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let result = (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    // Every output of every command the lab test runs is searched for the vault's secrets.
    PlantedSecrets.scan(result.1 + result.2, what: "the output of `\(executable) \(arguments.prefix(2).joined(separator: " "))`")
    return result
}

/// Runs `foobar-site`: `rampart` with the reference site written in Swift built in (Sources/FoobarSite).
func foobarSite(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try rampart(arguments, executable: "foobar-site")
}

/// The lab end to end: six real Debian 12 hosts booted with systemd, reached over SSH with
/// strict host key checking, isolated from everything beyond the bridge, and removed without a trace.
/// One test owns the whole lifecycle so `down` runs (in `defer`) even when a check fails.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RAMPART_LAB_TESTS"] == "1",
                             "set RAMPART_LAB_TESTS=1 (scripts/test does) — needs root and systemd-nspawn"))
struct LabIntegrationTests {
    @Test func labLifecycle() async throws {
        // RAMPART_LAB_FOCUS=faults,lockrace,twoapplies,sitegroups,drift,sweep,library,hardening,newcomer,package,bastion runs only those checks against a lab already up with the
        // site applied (for working on them); the report is printed all the same.
        if let focus = ProcessInfo.processInfo.environment["RAMPART_LAB_FOCUS"] {
            defer { LabReport.shared.printTable() }
            if focus.contains("faults") { try FaultLabChecks.run() }
            if focus.contains("sitegroups") { try SiteGroupsLabChecks.run() }
            if focus.contains("drift") { try DriftLabelLabChecks.run() }
            if focus.contains("lockrace") { try await LockRaceLabChecks.run() }
            if focus.contains("twoapplies") {
                try FaultLabChecks.repeatTwoApplies(rounds: Int(ProcessInfo.processInfo.environment["RAMPART_LAB_ROUNDS"] ?? "") ?? 20)
            }
            if focus.contains("sweep") { try HostSweepLabChecks.run() }
            if focus.contains("library") { try ResourceLibraryLabChecks.run() }
            if focus.contains("hardening") { try HardeningLabChecks.run() }
            if focus.contains("newcomer") { try NewcomerLabChecks.run() }  // on fresh hosts
            if focus.contains("package") { try PackageLabChecks.run() }    // on a fresh mon1, after scripts/package
            if focus.contains("bastion") { try await BastionLabChecks.run() } // brings up a lab of its own
            return
        }
        let up = try rampart(["lab", "up", "-i", labInventory])
        #expect(up.status == 0, "lab up failed: \(up.stderr)")
        defer {
            LabReport.shared.printTable()
            let down = try? rampart(["lab", "down", "-i", labInventory])
            #expect(down?.status == 0, "lab down failed: \(down?.stderr ?? "")")
            assertNothingLeftBehind()
        }
        guard up.status == 0 else { return }
        print(up.stdout)

        // All six answer through `rampart exec` with strict host key checking.
        let exec = try rampart(["exec", "-i", labInventory, "--json", "--", "systemctl is-system-running"])
        #expect(exec.status == 0, "exec failed: \(exec.stdout) \(exec.stderr)")
        let lines = exec.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(Set(lines.compactMap { $0["host"] as? String }) == ["lb1", "web1", "web2", "db1", "db2", "mon1"])
        for line in lines {
            let state = (line["stdout"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(state == "running", "\(line["host"] ?? "?") reports \(state)")
        }

        let inventory = try InventoryLoader().load(path: labInventory)
        // Host keys differ from host to host (each was regenerated after cloning the image).
        let keys = try await runEverywhere(inventory, "cat /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_ecdsa_key.pub | cut -d' ' -f2")
        let allKeys = keys.values.flatMap { $0.split(separator: "\n").map(String.init) }
        #expect(allKeys.count == 12)
        #expect(Set(allKeys).count == 12, "host keys are shared between hosts")

        // No route beyond the bridge: a connect to a public address fails at once with ENETUNREACH.
        let web1 = try #require(inventory.host(named: "web1"))
        let connection = try await SSHConnection.connect(try sshOptions(inventory, web1))
        let outside = try await connection.run(Command("""
        ip route; python3 -c 'import socket,errno
        try:
            socket.create_connection(("1.1.1.1", 80), timeout=5)
            print("CONNECTED")
        except OSError as e:
            print("errno", e.errno)'
        """))
        #expect(!outside.stdoutText.contains("default"), "a default route exists: \(outside.stdoutText)")
        #expect(outside.stdoutText.contains("errno \(ENETUNREACH)"), "\(outside.stdoutText) \(outside.stderrText)")

        // Packages come through the proxy on the bridge address (the inventory's apt_proxy).
        let apt = try await connection.run(Command("apt-get update -qq && apt-cache policy nginx | grep -q Candidate", timeout: 180))
        #expect(apt.succeeded, "apt through the lab proxy failed: \(apt.stderrText)")
        await connection.close()

        // The engine end to end on these hosts (EngineLabTests.swift).
        try await EngineLabChecks.run()

        // The web tier of the reference deployment, from fresh hosts again (SiteLabTests.swift).
        #expect(try rampart(["lab", "down", "-i", labInventory]).status == 0)
        #expect(try rampart(["lab", "up", "-i", labInventory]).status == 0)
        try SiteLabChecks.run()
        // Access: the deploy user, root and passwords refused, sshd settings in force (AccessLabTests.swift).
        try AccessLabChecks.run()
        // The data tier: the application through the LB, the replica read-only, promote and back (DataTierLabTests.swift).
        try DataTierLabChecks.run()
        // Firewalls: an outsider's scan, and a ruleset that would cut SSH (FirewallLabTests.swift).
        try FirewallLabChecks.run()
        // Monitoring: every target up, the QPS counters follow the requests (MonitoringLabTests.swift).
        try MonitoringLabChecks.run()
        // testssl.sh, ssh-audit and nmap (SecurityLabTests.swift).
        try SecurityLabChecks.run()
        // The whole site checked from outside, as a user would (`rampart verify`).
        let verify = try rampart(["verify", "-i", labInventory, "playbooks/site.yml"])
        print(verify.stdout)
        #expect(verify.status == 0, "verify failed:\n\(verify.stdout)\n\(verify.stderr)")
        // The same site under other group names, through `site_groups` (SiteGroupsLabTests.swift).
        try SiteGroupsLabChecks.run()
        // Why each step is planned: intended (the playbook changed) or drift (a host changed) (DriftLabTests.swift).
        try DriftLabelLabChecks.run()
        // systemd units, line and block edits on web2, applied, drifted, fixed, taken back (ResourceLibraryLabTests.swift).
        try ResourceLibraryLabChecks.run()
        // The operating system hardened on mon1, with facts in templates and loops (HardeningLabTests.swift).
        try HardeningLabChecks.run()
        // A rule added by hand (SSH from anywhere on db2): verify sees the hole, plan sees the
        // drift, apply closes it.
        _ = try EngineLabChecks.exec("db2", "nft insert rule inet rampart input tcp dport 22 accept")
        let holed = try rampart(["verify", "-i", labInventory, "playbooks/site.yml"])
        #expect(holed.status == 1 && holed.stdout.contains("db2:22 should be closed, was open"), "\(holed.stdout)")
        let drift = try rampart(["plan", "-i", labInventory, "playbooks/site.yml", "--detailed-exitcode"])
        #expect(drift.status == 2 && drift.stdout.contains("the live ruleset differs"), "\(drift.stdout)")
        #expect(try rampart(["apply", "-i", labInventory, "playbooks/site.yml", "--yes"]).status == 0)
        #expect(try rampart(["verify", "-i", labInventory, "playbooks/site.yml"]).status == 0)
        // Faults: a host killed, a link cut, Rampart killed, broken configs, two applies, a new host key (FaultLabTests.swift).
        try FaultLabChecks.run()
        // The lock taken and released under a prober's feet, for a fixed number of rounds (LockRaceLabTests.swift).
        try await LockRaceLabChecks.run()
        // The vault's secrets nowhere on the hosts, secret files' modes, lynis (SecurityLabTests.swift).
        try HostSweepLabChecks.run()
        // Last: it moves the LB to a certificate from another CA (AcmeLabTests.swift).
        // The public certificate by ACME (pebble on the control node), through the LB.
        try AcmeLabChecks.run()
        // A newcomer's own project (`rampart init`) on three fresh servers (NewcomerLabTests.swift).
        #expect(try rampart(["lab", "down", "-i", labInventory]).status == 0)
        #expect(try rampart(["lab", "up", "-i", labInventory]).status == 0)
        try NewcomerLabChecks.run()
        // Rampart's own Debian package on one of the others, still fresh (PackageLabTests.swift).
        try PackageLabChecks.run()
        // Last, on a fresh lab of its own: a data centre behind a bastion — the site applied,
        // verified and switched over through lb1, then lb1 cut mid-apply (BastionLabTests.swift).
        try await BastionLabChecks.run()
    }

    private func runEverywhere(_ inventory: Inventory, _ script: String) async throws -> [String: String] {
        try await withThrowingTaskGroup(of: (String, String).self) { group in
            for host in inventory.hosts {
                let options = try sshOptions(inventory, host)
                group.addTask {
                    let connection = try await SSHConnection.connect(options)
                    let result = try await connection.run(Command(script))
                    await connection.close()
                    return (host.name, result.stdoutText)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
    }

    private func sshOptions(_ inventory: Inventory, _ host: RampartModel.Host) throws -> SSHOptions {
        let settings = inventory.connection(for: host)
        // Fresh hosts: only the bootstrap user (root) exists yet.
        return SSHOptions(hostName: host.name, address: host.address, user: settings.bootstrapUser ?? settings.user ?? "root",
                          identityFiles: [settings.key!], useAgent: false, knownHostsFiles: [settings.knownHosts!],
                          hostKeyPolicy: .strict)
    }

    private func assertNothingLeftBehind() {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        #expect(!mounts.contains("/var/lib/rampart-lab"), "lab mounts remain")
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/rampart0"), "bridge rampart0 remains")
        #expect(!FileManager.default.fileExists(atPath: "/var/lib/rampart-lab"), "lab state remains")
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let nspawns = processes.filter { Int($0) != nil }.filter { pid in
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return cmdline.hasPrefix("systemd-nspawn") && cmdline.contains("rampart-lab")
        }
        #expect(nspawns.isEmpty, "systemd-nspawn processes remain: \(nspawns)")
    }
}
