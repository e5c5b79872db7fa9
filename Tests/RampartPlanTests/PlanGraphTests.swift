import Foundation
import Rampart
import RampartTestSupport
import Testing

/// `rampart graph` as data: the reference site's DOT read back line by line — every `requires`
/// and `subscribes` of the catalog is an edge and no edge is anything else, every `after:` wait
/// and every step of a roll is drawn between play clusters — and Graphviz itself renders it.
struct PlanGraphTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func site() throws -> Catalog {
        let project = try Project.load(inventory: repository.appendingPathComponent("inventories/lab.yml").path,
                                       playbook: repository.appendingPathComponent("playbooks/site.yml").path)
        return try project.compile(offline: true)
    }

    /// `"a" -> "b" [class="KIND", …];` lines as (kind, from, to).
    static func edges(_ dot: String) -> Set<[String]> {
        let pattern = #/^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[class="([a-z]+)"/#
        return Set(dot.split(separator: "\n").compactMap { line in
            (try? pattern.firstMatch(in: String(line))).map { [String($0.3), String($0.1), String($0.2)] }
        })
    }

    @Test func theSitesEdgesAreTheCatalogs() throws {
        let catalog = try Self.site()
        let dot = PlanGraph.dot(catalog)
        var expected: Set<[String]> = []
        for host in catalog.hosts {
            for resource in host.resources {
                for id in resource.requires { expected.insert(["requires", "\(host.host)/\(id)", "\(host.host)/\(resource.id)"]) }
                for id in resource.subscribes { expected.insert(["subscribes", "\(host.host)/\(id)", "\(host.host)/\(resource.id)"]) }
            }
        }
        let drawn = Self.edges(dot)
        #expect(drawn.filter { $0[0] == "requires" || $0[0] == "subscribes" } == expected)
        #expect(expected.count > 60, "the site has its dependencies: \(expected.count)")
        // Plays that wait for other hosts' plays (the LB's for the web roll) and the web roll itself.
        var waits: Set<[String]> = []
        for host in catalog.hosts {
            for stage in host.stages { for wait in stage.waitsFor { waits.insert(["after", "\(wait.host)//play:\(wait.play)", "\(host.host)//play:\(stage.play)"]) } }
        }
        #expect(!waits.isEmpty && drawn.filter { $0[0] == "after" } == waits)
        #expect(drawn.contains(["roll", "web1//play:web", "web2//play:web"]), "the web play rolls web1 then web2")
        // Every resource is a node, in its host's cluster.
        for host in catalog.hosts { for resource in host.resources { #expect(dot.contains("\"\(host.host)/\(resource.id)\" [label=")) } }
    }

    @Test func aPlanColoursWhatWouldChange() throws {
        let catalog = try Self.site()
        let web1 = HostPlan(host: "web1", playbook: "site", fingerprint: "", steps: [
            Step([ResourceID(.package, "nginx")], .create, summary: "install nginx", script: StepScript(converged: nil, change: "true")),
            Step([ResourceID(.file, "/etc/nginx/conf.d/security.conf")], .update, summary: "content", script: StepScript(converged: nil, change: "true")),
            Step([ResourceID(.service, "nginx")], .reload, summary: "reload", script: StepScript(converged: nil, change: "true")),
            Step([ResourceID(.file, "/etc/old.conf")], .delete, summary: "remove", script: StepScript(converged: nil, change: "true")),
        ], manifest: nil)
        let dot = PlanGraph.dot(catalog, plan: Plan(inventory: "lab.yml", playbook: "site.yml", hosts: [web1]))
        #expect(dot.contains("\"web1/package:nginx\" [label=\"package:nginx\", fillcolor=\"#c8e6c9\""))
        #expect(dot.contains("\"web1/file:/etc/nginx/conf.d/security.conf\" [label=\"file:/etc/nginx/conf.d/security.conf\", fillcolor=\"#fff3c4\""))
        #expect(dot.contains("\"web1/service:nginx\" [label=\"service:nginx\", fillcolor=\"#bbdefb\""))
        #expect(dot.contains("\"web1/file:/etc/old.conf\" [label=\"file:/etc/old.conf\", fillcolor=\"#ffcdd2\", color=red"), "pruned: beside the catalog")
        #expect(dot.contains("\"web2/package:nginx\" [label=\"package:nginx\"];"), "web2 unchanged")
    }

    @Test func graphvizRendersTheSite() throws {
        let dot = PlanGraph.dot(try Self.site())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-site-\(UUID().uuidString).dot").path
        try dot.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (svg, status) = LocalShell.run("/usr/bin/dot -Tsvg '\(file)' 2>&1")
        #expect(status == 0 && svg.contains("<svg") && svg.contains("ssh_keypair:/etc/ssh/ssh_host_ed25519_key"),
                "dot (Debian: graphviz, scripts/install-deps) did not render the site: \(svg.prefix(300))")
        #expect(!svg.contains("Warning"), "Graphviz warned: \(svg.prefix(300))")
    }
}
