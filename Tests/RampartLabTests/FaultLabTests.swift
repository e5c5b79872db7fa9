import Foundation
import Testing

/// Faults on the applied site (issue 10's scenarios 1–4, 6, 7): a host killed mid-apply, its
/// link cut, Rampart itself SIGKILLed, broken configs for nginx/HAProxy/nftables/sshd with a
/// request loop through the LB, two applies at once, a changed host key. Each adds a row to
/// the lab report. Called from `labLifecycle` after the security checks.
enum FaultLabChecks {
    /// A drill playbook on every host: a config file whose change notifies a handler (run at the
    /// end, so it is journalled while the slow step runs), and a step that takes `sleep` seconds.
    static func drill(_ version: String, sleep: Int = 6) -> String {
        """
        # Fault drill \(version) (FaultLabTests.swift): written by the test.
        name: drill
        roles:
          drill:
            resources:
              - directory: /srv/drill
              - file: /srv/drill/config.txt
                content: "\(version) on {{ inventory_hostname }}\\n"
              - command: slow step
                run: "echo start \(version) >> /srv/drill/runs.log; sleep \(sleep); echo end \(version) >> /srv/drill/runs.log; echo \(version) > /srv/drill/slow.done"
                unless: grep -qx \(version) /srv/drill/slow.done
              - command: reload after config
                run: echo reloaded \(version) >> /srv/drill/handler.log
                on_change_only: true
                subscribes: [file:/srv/drill/config.txt]
        plays:
          - { name: drill, hosts: all, roles: [drill] }
        """
    }

    /// `rampart` started without waiting for it, its output going to a file.
    final class Background {
        let process = Process()
        let output: String
        let started = Date()

        init(_ arguments: [String]) throws {
            output = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-bg-\(UUID().uuidString)").path
            FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.executableURL = packageRoot.appendingPathComponent(".build/debug/rampart")
            process.arguments = arguments
            process.currentDirectoryURL = packageRoot
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            try handle.close()
        }

        var pid: Int32 { process.processIdentifier }

        func finish() -> (status: Int32, output: String, seconds: Double) {
            process.waitUntilExit()
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: output)
            PlantedSecrets.scan(text, what: "the output of a background `rampart \(process.arguments?.first ?? "")`")
            return (process.terminationStatus, text, Date().timeIntervalSince(started))
        }
    }

    static let hosts = ["lb1", "web1", "web2", "db1", "db2", "mon1"]

    static func run() throws {
        try withDrills { inventory, playbook in
            try hostKilled(inventory, try playbook("v1"))
            try linkCut(inventory, try playbook("v2"))
            try rampartKilled(inventory, try playbook("v3"))
            try twoApplies(inventory, try playbook("v6"), version: "v6")
            try hostKeyChanged()
        }
    }

    /// Drill 6 alone, `rounds` times in a row (RAMPART_LAB_FOCUS=twoapplies; RAMPART_LAB_ROUNDS).
    static func repeatTwoApplies(rounds: Int) throws {
        try withDrills(brokenConfigs: false) { inventory, playbook in
            for round in 1...rounds { try twoApplies(inventory, try playbook("r\(round)"), version: "r\(round)", label: " (round \(round)/\(rounds))") }
        }
    }

    /// The drills' inventory copy and playbooks, the drill playbook applied once as a baseline,
    /// then `drills`; afterwards broken configs are tried, and the site must still be converged.
    static func withDrills(brokenConfigs tryBrokenConfigs: Bool = true, _ drills: (_ inventory: String, _ playbook: (String) throws -> String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-faults-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Keepalives every 2 s: a silent host is reported lost after 3 of them.
        let inventory = try SiteLabChecks.inventoryCopy(in: folder, name: "faults") {
            $0.replacingOccurrences(of: "  connect_timeout: 10\n", with: "  connect_timeout: 10\n  keepalive_interval: 2\n")
        }
        func playbook(_ version: String) throws -> String {
            let path = folder + "/drill-\(version).yml"
            try drill(version).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        // A clean slate, so run logs only hold this run's drills.
        _ = try rampart(["exec", "-i", inventory, "--", "rm -rf /srv/drill"])
        let first = try playbook("v0")
        let baseline = try rampart(["apply", "-i", inventory, first, "--yes"])
        #expect(baseline.status == 0, "the drill playbook does not apply:\n\(baseline.stdout)\n\(baseline.stderr)")

        try drills(inventory, playbook)
        if tryBrokenConfigs { try brokenConfigs(folder) }

        let site = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--detailed-exitcode"])
        #expect(site.status == 0, "the site should be converged after the drills:\n\(site.stdout)\n\(site.stderr)")
    }

    /// 1. web2's container is killed while every host runs the slow step.
    static func hostKilled(_ inventory: String, _ playbook: String) throws {
        var scenario = Scenario("1 host killed mid-apply")
        let apply = try Background(["apply", "-i", inventory, playbook, "--yes"])
        Thread.sleep(forTimeInterval: 2.5)
        let killed = try rampart(["lab", "kill", "web2"])
        scenario.expect(killed.status == 0, "lab kill: \(killed.stderr)")
        let result = apply.finish()
        scenario.expect(result.status == 1, "the apply should fail (web2 died): \(result.output)")
        let errorLine = result.output.split(separator: "\n").first { $0.hasPrefix("web2") && $0.contains("error:") } ?? ""
        scenario.expect(errorLine.contains("command:slow step") && errorLine.contains("connection lost"),
                        "the error should name web2 and its step: \(result.output)")
        let others = try EngineLabChecks.execAll(inventory, "cat /srv/drill/slow.done", limit: "!web2")
        scenario.expect(others.count == 5 && others.values.allSatisfy { $0 == "v1\n" }, "the other hosts should finish: \(others)")
        let startedBack = Date()
        let back = try rampart(["lab", "start", "web2"])
        let bootSeconds = Date().timeIntervalSince(startedBack)
        scenario.expect(back.status == 0, "lab start: \(back.stdout) \(back.stderr)")
        let rerun = try rampart(["apply", "-i", inventory, playbook, "--yes"])
        scenario.expect(rerun.status == 0, "the re-run after web2 came back: \(rerun.stdout)")
        let converged = try rampart(["plan", "-i", inventory, playbook, "--detailed-exitcode"])
        scenario.expect(converged.status == 0, "not converged: \(converged.stdout)")
        // The handler web2 owed when it died was finished by the re-run, once.
        scenario.expect(try EngineLabChecks.exec("web2", "grep -c 'reloaded v1' /srv/drill/handler.log") == "1\n", "web2's handler")
        scenario.finish(String(format: "web2 killed 2.5 s in: 5 hosts finished, error named web2 + step after %.1f s; back in %.0f s, re-run converged",
                               result.seconds, bootSeconds))
    }

    /// 2. web1's link is set down while every host runs the slow step.
    static func linkCut(_ inventory: String, _ playbook: String) throws {
        var scenario = Scenario("2 link cut mid-apply")
        let apply = try Background(["apply", "-i", inventory, playbook, "--yes"])
        Thread.sleep(forTimeInterval: 2.5)
        let cut = Date()
        _ = try SiteLabChecks.shell("ip link set vb-web1 down")
        let result = apply.finish()
        let reported = Date().timeIntervalSince(cut)
        _ = try SiteLabChecks.shell("ip link set vb-web1 up")
        scenario.expect(result.status == 1 && result.output.contains("no answer from 10.231.77.11"), "a timeout on web1: \(result.output)")
        // The limit is 3 keepalives 2 s apart; a little slack for scheduling on two busy cores.
        scenario.expect(reported < 6 + 4, "reported \(reported) s after the cut")
        var reachable = false
        for _ in 0..<30 where !reachable {
            reachable = try rampart(["exec", "-i", inventory, "--limit", "web1", "--", "true"]).status == 0
            if !reachable { Thread.sleep(forTimeInterval: 1) }
        }
        scenario.expect(reachable, "web1 unreachable after the link came back")
        let rerun = try rampart(["apply", "-i", inventory, playbook, "--yes"])
        scenario.expect(rerun.status == 0, "the re-run after the link returned: \(rerun.stdout)")
        let converged = try rampart(["plan", "-i", inventory, playbook, "--detailed-exitcode"])
        scenario.expect(converged.status == 0, "not converged: \(converged.stdout)")
        scenario.finish(String(format: "timeout reported %.1f s after the cut (limit 3 × keepalive_interval 2 s); re-run converged", reported))
    }

    /// 3. Rampart is SIGKILLed while every host runs the slow step, handlers owed.
    static func rampartKilled(_ inventory: String, _ playbook: String) throws {
        var scenario = Scenario("3 rampart SIGKILLed mid-apply")
        let apply = try Background(["apply", "-i", inventory, playbook, "--yes"])
        Thread.sleep(forTimeInterval: 2.5)
        kill(apply.pid, SIGKILL)
        _ = apply.finish()
        let owed = try EngineLabChecks.execAll(inventory, "cat /var/lib/rampart/journal; cat /run/rampart.lock")
        let journalled = owed.values.filter { $0.contains("command:reload after config") }.count
        scenario.expect(journalled == 6, "each host should owe its handler: \(owed)")
        scenario.expect(owed.count == 6 && owed.values.allSatisfy { $0.contains("|\(apply.pid)|") }, "the killed run's lock should remain: \(owed)")
        // No file half-written: no temp file anywhere Rampart writes, and the config whole.
        let temps = try EngineLabChecks.execAll(inventory, "find /srv/drill /etc /var/lib/rampart \\( -name '.rampart-*' -o -name '*.rampart-tmp' \\) | wc -l; cat /srv/drill/config.txt")
        for host in hosts {
            scenario.expect(temps[host] == "0\nv3 on \(host)\n", "\(host): temp files or a partial config: \(temps[host] ?? "unreachable")")
        }
        let next = try rampart(["apply", "-i", inventory, playbook, "--yes"])
        scenario.expect(next.status == 0, "the next apply: \(next.stdout) \(next.stderr)")
        scenario.expect(next.stdout.contains("which no longer runs: taking it over"), "the abandoned lock should be taken over: \(next.stdout)")
        let handled = try EngineLabChecks.execAll(inventory, "grep -c 'reloaded v3' /srv/drill/handler.log; wc -c < /var/lib/rampart/journal")
        scenario.expect(handled.count == 6 && handled.values.allSatisfy { $0 == "1\n0\n" }, "each handler once, journals empty: \(handled)")
        let converged = try rampart(["plan", "-i", inventory, playbook, "--detailed-exitcode"])
        scenario.expect(converged.status == 0, "not converged: \(converged.stdout)")
        scenario.finish("killed 2.5 s in: \(journalled) handlers owed, finished by the next apply (lock taken over); 0 temp files, configs whole")
    }

    /// 6. Two applies at once (and a third that will not wait).
    static func twoApplies(_ inventory: String, _ playbook: String, version: String, label: String = "") throws {
        var scenario = Scenario("6 two applies at once" + label)
        let first = try Background(["apply", "-i", inventory, playbook, "--yes"])
        Thread.sleep(forTimeInterval: 1.5)
        let second = try Background(["apply", "-i", inventory, playbook, "--yes"])
        Thread.sleep(forTimeInterval: 0.5)
        let impatient = try rampart(["apply", "-i", inventory, playbook, "--yes", "--lock-timeout", "1"])
        scenario.expect(impatient.status == 1 && (impatient.stdout + impatient.stderr).contains("another apply holds the lock on this host: rampart apply from")
                        && (impatient.stdout + impatient.stderr).contains("(pid \(first.pid))"), "a clear lock message: \(impatient.stdout) \(impatient.stderr)")
        let a = first.finish(), b = second.finish()
        scenario.expect(a.status == 0, "the first apply: \(a.output)")
        scenario.expect(b.status == 0 && b.output.contains("waiting: another apply holds the lock") && b.output.contains("No changes"),
                        "the second should wait, then find nothing to do: \(b.output)")
        let log = try EngineLabChecks.execAll(inventory, "grep -w \(version) /srv/drill/runs.log")
        scenario.expect(log.count == 6 && log.values.allSatisfy { $0 == "start \(version)\nend \(version)\n" }, "the slow step once per host, not interleaved: \(log)")
        scenario.finish(String(format: "second waited and changed nothing (%.1f s in all); third (--lock-timeout 1) refused naming the holder's pid", b.seconds))
    }

    /// 7. web2's host key is replaced (put back 20 s later by a timer on web2).
    static func hostKeyChanged() throws {
        var scenario = Scenario("7 host key changed")
        let swap = try EngineLabChecks.exec("web2", """
        set -e; mkdir -p /root/hostkey-keep; cp -a /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub /root/hostkey-keep/
        ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2
        rm -f /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub
        ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
        ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2
        systemd-run -q --on-active=20 --unit rampart-hostkey-back sh -c 'cp -a /root/hostkey-keep/* /etc/ssh/ && systemctl reload ssh && rm -rf /root/hostkey-keep'
        systemctl reload ssh
        """)
        let prints = swap.split(separator: "\n").map(String.init)
        scenario.expect(prints.count == 2 && prints[0] != prints[1], "fingerprints: \(swap)")
        let refused = try rampart(["exec", "-i", labInventory, "--limit", "web2", "--", "true"])
        let text = refused.stdout + refused.stderr
        scenario.expect(refused.status != 0 && prints.count == 2 && text.contains(prints[0]) && text.contains(prints[1]),
                        "refused with both fingerprints (\(prints)): \(text)")
        var back = false
        for _ in 0..<40 where !back {
            Thread.sleep(forTimeInterval: 1)
            back = try rampart(["exec", "-i", labInventory, "--limit", "web2", "--", "true"]).status == 0
        }
        scenario.expect(back, "web2's original key did not come back")
        scenario.finish("refused; expected \(prints.first ?? "?") and presented \(prints.last ?? "?") both shown")
    }

    /// 4. A config each checker rejects, with a request loop through the LB all along.
    static func brokenConfigs(_ folder: String) throws {
        var scenario = Scenario("4 broken configs rejected")
        let ca = folder + "/ca.pem"
        try rampart(["ca", "show", "--pem", "-i", labInventory]).stdout.write(toFile: ca, atomically: true, encoding: .utf8)
        let loop = try SiteLabChecks.startLoop("broken", requests: 250, ca: ca)
        let live = "sha256sum /etc/nginx/sites-enabled/foobar.conf /etc/haproxy/haproxy.cfg /etc/nftables.conf /etc/ssh/sshd_config.d/50-rampart.conf 2>/dev/null; nft list ruleset | sha256sum"
        let before = try EngineLabChecks.execAll(labInventory, live)
        var rejected: [String] = []
        // nginx, HAProxy and sshd: a bad line in the site's own template; the site applied.
        for (template, line, checker) in [("web/site.conf.j2", "bogus_directive on;", "nginx"), ("lb/haproxy.cfg.j2", "bogus-keyword", "haproxy"),
                                          ("ssh/sshd.conf.j2", "BogusOption yes", "sshd")] {
            let path = packageRoot.path + "/templates/" + template
            let original = try String(contentsOfFile: path, encoding: .utf8)
            try (line + "\n" + original).write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? original.write(toFile: path, atomically: true, encoding: .utf8) }
            let apply = try rampart(["apply", "-i", labInventory, SiteLabChecks.site, "--yes"])
            let ok = apply.status == 1 && apply.stdout.contains("rejected by checker")
            scenario.expect(ok, "\(checker) should reject it:\n\(apply.stdout)\n\(apply.stderr)")
            if ok { rejected.append(checker) }
        }
        // nftables: a typo in a user's own nftables.conf template, refused by `nft -c`.
        let nft = try rampart(["apply", "-i", labInventory, "Tests/RampartLabTests/Fixtures/firewall/playbooks/nft-rejects.yml", "--yes"])
        let nftOK = nft.status == 1 && nft.stdout.contains("rejected by checker")
        scenario.expect(nftOK, "nft should reject it:\n\(nft.stdout)\n\(nft.stderr)")
        if nftOK { rejected.append("nftables") }
        let after = try EngineLabChecks.execAll(labInventory, live)
        scenario.expect(before.count == 6 && before == after, "live configs changed:\n\(before)\n\(after)")
        let codes = try SiteLabChecks.finishLoop(loop)
        let failed = codes.filter { $0 != "200" }.count
        scenario.expect(codes.count == 250 && failed == 0, "requests through the LB during the attempts: \(codes)")
        let converged = try rampart(["plan", "-i", labInventory, SiteLabChecks.site, "--detailed-exitcode"])
        scenario.expect(converged.status == 0, "the site should still be converged:\n\(converged.stdout)")
        scenario.finish("\(rejected.joined(separator: ", ")) rejected, live configs unchanged; LB: \(codes.count) requests, \(failed) failed")
    }
}
