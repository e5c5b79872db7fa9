import Foundation
import Rampart
import Testing
import Yams

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Intended or drift, for every planning fixture (every kind): the same host facts planned
/// against a manifest recording each resource as declared now (what changed is the host: drift)
/// and as declared differently (what changed is the playbook: intended).
struct StepReasonTests {
    static func planned(_ name: String, manifest: (Resource) -> String?) throws -> (steps: [Step], catalog: HostCatalog) {
        let text = try String(contentsOf: fixtures.appendingPathComponent("\(name).yml"), encoding: .utf8)
        let fixture = try #require(try Yams.load(yaml: text) as? [String: Any])
        let catalog = try PlanningFixtureTests.catalog(resources: PlanningFixtureTests.resourcesText(text), vars: fixture["vars"] as? [String: Any] ?? [:],
                                                       templates: fixture["templates"] as? [String: String] ?? [:],
                                                       assert: PlanningFixtureTests.resourcesText(text, key: "assert"))
        var facts = try FixtureFacts.make(fixture["facts"] as? [String: Any] ?? [:])
        let current = Set(catalog.resources.map(\.id.description))
        // The fixture's own entries for resources it prunes stay; the catalog's are recorded with the given digest.
        facts.manifest = facts.manifest.filter { !current.contains($0.id) }
            + catalog.resources.map { ManagedEntry(id: $0.id.description, digest: manifest($0)) }
        return (HostPlanner.plan(catalog: catalog, facts: facts).0.steps, catalog)
    }

    @Test(arguments: PlanningFixtureTests.cases)
    func hostChangesAreDriftAndPlaybookChangesIntended(name: String) throws {
        let drift = try Self.planned(name) { DeclarationDigest.of($0) }
        let intended = try Self.planned(name) { _ in "0123456789abcdef0123456789abcdef" }
        #expect(drift.steps.map(\.resources) == intended.steps.map(\.resources), "\(name): the label changes no step")
        let declared = Set(drift.catalog.resources.map(\.id))
        // (A declared resource removed because its `when:` no longer holds on the host is the
        // catalog's own change for this host: intended either way.)
        for (a, b) in zip(drift.steps, intended.steps) where !a.isHandler && a.action != .delete && a.resources.allSatisfy(declared.contains) {
            #expect(a.reason == .drift, "\(name): \(a.resources) should be drift")
            #expect(b.reason == .intended, "\(name): \(b.resources) should be intended")
        }
        // A handler is labelled as the steps that trigger it.
        for (index, step) in drift.steps.enumerated() where step.isHandler && !step.pending {
            let triggers = drift.steps.filter { !$0.isHandler && $0.triggers.contains(step.resource) }
            if triggers.contains(where: { $0.reason == .drift }) && !triggers.contains(where: { $0.reason == .intended }) {
                #expect(step.reason == .drift, "\(name): handler \(step.resource)")
                #expect(intended.steps[index].reason == .intended, "\(name): handler \(step.resource)")
            }
        }
    }

    @Test func newRemovedAndUnrecordedResources() throws {
        // A resource new to the host, one the playbook dropped, one recorded before digests.
        let resources = PlanningFixtureTests.resourcesText("resources:\n  - package: curl\n  - file: /etc/motd\n    content: \"hello\\n\"\n")
        let catalog = try PlanningFixtureTests.catalog(resources: resources, vars: [:])
        var facts = try FixtureFacts.make(["packages": ["curl": "ii 7.88.1-10", "telnet": "ii 0.17"]])
        facts.manifest = [ManagedEntry(id: "package:curl", digest: nil), ManagedEntry(id: "package:telnet", digest: "00")]
        let steps = HostPlanner.plan(catalog: catalog, facts: facts).0.steps
        let byResource = Dictionary(steps.map { ($0.resource.description, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(byResource["file:/etc/motd"] == .some(.intended), "new on the host: \(steps.map(\.resource))")
        #expect(byResource["package:telnet"] == .some(.intended), "dropped from the playbook")
        #expect(byResource["package:curl"] == nil, "nothing to do for curl")
        var summary = Plan(inventory: "i", playbook: "p", hosts: [HostPlan(host: "h1", playbook: "p", fingerprint: "", steps: steps, manifest: nil)]).summary
        #expect(summary.intended == 2 && summary.drift == 0)
        summary.drift = 1
        #expect(summary.text.contains("1 step corrects drift"))
    }
}
