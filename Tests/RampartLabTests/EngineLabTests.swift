import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The engine end to end on the lab's real Debian hosts: fresh apply → converged → drift injected
/// by hand → plan lists exactly that drift → apply fixes it → converged; a config nginx rejects
/// never reaches nginx; a journalled handler is finished by the next run; the on-host lock stops a
/// second apply; a saved plan is refused once its host changed. Called from `labLifecycle`.
enum EngineLabChecks {
    static let folder = "Tests/RampartLabTests/Fixtures/engine/playbooks/"
    static let full = folder + "engine.yml", pruned = folder + "engine-pruned.yml", broken = folder + "engine-broken.yml"

    /// The command's output on one host (without exec's header and summary lines).
    static func exec(_ host: String, _ command: String) throws -> String {
        let result = try rampart(["exec", "-i", labInventory, "--limit", host, "--json", "--", command])
        #expect(result.status == 0, "exec on \(host) failed: \(result.stdout) \(result.stderr)")
        let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["stdout"] as? String ?? ""
    }

    /// Each host's standard output of `command` (hosts that failed or were unreachable are absent).
    static func execAll(_ inventory: String, _ command: String, limit: String? = nil) throws -> [String: String] {
        let result = try rampart(["exec", "-i", inventory, "--json"] + (limit.map { ["--limit", $0] } ?? []) + ["--", command])
        var outputs: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let host = object["host"] as? String, let stdout = object["stdout"] as? String else { continue }
            outputs[host] = stdout
        }
        return outputs
    }

    static func http(_ url: String) async -> (Int, String) {
        guard let (data, response) = try? await URLSession.shared.data(from: URL(string: url)!) else { return (0, "") }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// (host, symbol, resource) of every non-handler step of a `plan --json`.
    static func planned(_ playbook: String, offline: Bool = false) throws -> Set<String> {
        let result = try rampart(["plan", "-i", labInventory, playbook, "--json"] + (offline ? ["--offline"] : []))
        #expect(result.status == 0, "plan failed: \(result.stderr)")
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let hosts = object["hosts"] as? [[String: Any]] else { Issue.record("plan --json unreadable: \(result.stdout.prefix(500))"); return [] }
        var steps: Set<String> = []
        for host in hosts {
            for step in host["steps"] as? [[String: Any]] ?? [] where (step["isHandler"] as? Bool) != true {
                for resource in step["resources"] as? [[String: Any]] ?? [] {
                    steps.insert("\(host["host"]!) \(step["action"]!) \(resource["kind"]!):\(resource["name"]!)")
                }
            }
        }
        return steps
    }

    static func run() async throws {
        // On fresh hosts, the offline plan (assumed baseline) and the real one agree step for step.
        let real = try planned(full)
        #expect(!real.isEmpty)
        #expect(try planned(full, offline: true) == real, "offline plan differs from the plan on fresh hosts")

        // Fresh hosts → applied.
        let first = try rampart(["apply", "-i", labInventory, full, "--yes"])
        #expect(first.status == 0, "first apply failed:\n\(first.stdout)\n\(first.stderr)")
        print(first.stdout.split(separator: "\n").suffix(9).joined(separator: "\n"))
        let converged = try rampart(["plan", "-i", labInventory, full, "--detailed-exitcode"])
        #expect(converged.status == 0, "not converged after apply:\n\(converged.stdout)")
        #expect(await http("http://10.231.77.11:8080/") == (200, "hello from rampart on web1\n"))
        // The web play rolls one host at a time, drained and re-enabled on lb1 around each.
        #expect(try exec("lb1", "cat /var/tmp/roll.log") == "drain web1\nenable web1\ndrain web2\nenable web2\n")
        let state = try exec("web1", "stat -c '%U:%G:%a' /srv/rampart /srv/rampart/motd.txt; readlink /srv/rampart/current; id deploy; sysctl -n net.core.somaxconn; cat /srv/rampart/seed /srv/rampart/stamp /srv/rampart/motd-changes; test ! -e /etc/nginx/sites-enabled/default && echo default-gone")
        for expected in ["deploy:deploy:750", "deploy:deploy:640", "/srv/rampart/motd.txt", "uid=2001(deploy) gid=2001(deploy) groups=2001(deploy)", "audit", "2048", "seeded", "stamped", "changed", "default-gone"] {
            #expect(state.contains(expected), "web1 lacks \(expected):\n\(state)")
        }

        // Drift by hand on web2, and a resource dropped from the playbook.
        _ = try exec("web2", "echo tampered > /var/www/html/index.html; chmod 0644 /srv/rampart/motd.txt; systemctl disable --now -q nginx; apt-get -y -q remove less >/dev/null 2>&1; echo ok")
        let drift = try planned(pruned)
        var expected: Set<String> = ["web2 update file:/var/www/html/index.html", "web2 update file:/srv/rampart/motd.txt",
                                     "web2 update service:nginx", "web2 create package:less"]
        for host in ["lb1", "web1", "web2", "db1", "db2", "mon1"] { expected.insert("\(host) delete symlink:/srv/rampart/current") }
        #expect(drift == expected, "plan should list exactly the drift; extra: \(drift.subtracting(expected)), missing: \(expected.subtracting(drift))")
        let fix = try rampart(["apply", "-i", labInventory, pruned, "--yes"])
        #expect(fix.status == 0, "fixing drift failed:\n\(fix.stdout)\n\(fix.stderr)")
        #expect(try rampart(["plan", "-i", labInventory, pruned, "--detailed-exitcode"]).status == 0)
        #expect(await http("http://10.231.77.12:8080/") == (200, "hello from rampart on web2\n"))
        #expect(try exec("web2", "cat /srv/rampart/motd-changes | wc -l").contains("2"), "the on-change command ran once more")

        // A config nginx rejects: refused, the live config untouched, nginx still serving.
        let before = try exec("web1", "cat /etc/nginx/sites-enabled/rampart")
        _ = try exec("lb1", ": > /var/tmp/roll.log")
        let rejected = try rampart(["apply", "-i", labInventory, broken, "--yes"])
        #expect(rejected.status == 1)
        // web1 failed: it was re-enabled all the same, and the roll stopped before web2.
        var reenabled = Scenario("8 roll failing mid-way re-enables")
        reenabled.expect(try exec("lb1", "cat /var/tmp/roll.log") == "drain web1\nenable web1\n", "roll log")
        reenabled.expect(rejected.stdout.contains("the rolling play 'web' stopped after web1 failed"), "\(rejected.stdout)")
        reenabled.finish("nginx -t rejected web1's config: web1 re-enabled, roll stopped before web2")
        #expect(rejected.stdout.contains("rejected by checker") && (rejected.stdout + rejected.stderr).contains("bogus_parameter"),
                "checker output missing:\n\(rejected.stdout)\n\(rejected.stderr)")
        #expect(try exec("web1", "cat /etc/nginx/sites-enabled/rampart") == before)
        #expect(await http("http://10.231.77.11:8080/").0 == 200)

        // A handler journalled by an interrupted run is finished by the next one.
        _ = try exec("web1", "printf 'service:nginx reload\\n' >> /var/lib/rampart/journal")
        let owed = try rampart(["plan", "-i", labInventory, pruned, "--limit", "web1"])
        #expect(owed.stdout.contains("owed by an interrupted apply"), "\(owed.stdout)")
        #expect(try rampart(["apply", "-i", labInventory, pruned, "--limit", "web1", "--yes"]).status == 0)
        #expect(try exec("web1", "wc -c < /var/lib/rampart/journal").contains("0"))

        // The on-host lock: a second apply waits, then fails naming the holder.
        _ = try exec("db1", "echo 'test holder 4711' > /run/rampart.lock")
        _ = try exec("db1", "echo drift > /srv/rampart/motd.txt")
        let locked = try rampart(["apply", "-i", labInventory, pruned, "--limit", "db1", "--yes", "--lock-timeout", "3"])
        #expect(locked.status == 1)
        #expect((locked.stdout + locked.stderr).contains("test holder 4711"), "\(locked.stdout)\n\(locked.stderr)")
        _ = try exec("db1", "rm -rf /run/rampart.lock")

        // A saved plan is applied exactly, and refused once its host changed.
        let planFile = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(getpid()).plan").path
        defer { try? FileManager.default.removeItem(atPath: planFile) }
        #expect(try rampart(["plan", "-i", labInventory, pruned, "--limit", "db1", "--out", planFile]).status == 0)
        _ = try exec("db1", "chmod 0600 /srv/rampart/motd.txt")
        let refused = try rampart(["apply", planFile])
        #expect(refused.status == 1 && (refused.stdout + refused.stderr).contains("changed since the plan"), "\(refused.stdout)\n\(refused.stderr)")
        #expect(try rampart(["plan", "-i", labInventory, pruned, "--limit", "db1", "--out", planFile]).status == 0)
        let exact = try rampart(["apply", planFile])
        #expect(exact.status == 0, "\(exact.stdout)\n\(exact.stderr)")
        let end = try rampart(["plan", "-i", labInventory, pruned, "--detailed-exitcode"])
        #expect(end.status == 0, "not converged at the end:\n\(end.stdout)\n\(end.stderr)")
    }
}
