import Foundation
import RampartBasics
import RampartEngine
import RampartFacts
import RampartModel
import RampartRemote
import RampartTestSupport
import Testing

/// A catalog whose templates read facts: compiled first with assumed facts, compiled again with
/// the gathered ones, and asked again only when that changes what the facts exec must ask.
struct FactDependentCatalogTests {
    /// What a compile would make of a template `cpus={{ facts.cpus }}` at a path that may read facts too.
    static func catalog(_ facts: TemplateFacts, pathReadsFacts: Bool) -> HostCatalog {
        let path = pathReadsFacts ? "/etc/cpus-\(facts.cpus)" : "/etc/cpus"
        let file = Resource.file(path, content: "cpus=\(facts.cpus)\n")
        var catalog = HostCatalog(host: "h1", address: "10.0.0.1", stages: [Stage(play: "site", resources: [file.id])], resources: [file])
        catalog.templateFacts = facts
        catalog.factDependent = [file.id]
        return catalog
    }

    static let gathered = TemplateFacts(osID: "debian", osVersion: "12", osFamily: "debian", osCodename: "bookworm",
                                        arch: "arm64", cpus: 8, memoryMB: 16384)

    /// Plans h1 (8 CPUs, arm64) from a catalog compiled with `first`; the cache in a folder of its own.
    static func run(first: TemplateFacts, pathReadsFacts: Bool = false) async throws -> (run: HostRun, execs: Int, compiled: [Int], cached: TemplateFacts?) {
        let host = ScriptedConnection(host: "h1").on("state", .output("\n\u{1e}state\nos|debian|12||bookworm\nhw|arm64|8|16777216\n"))
        var engine = Engine(inventory: Inventory(hosts: [Host("h1", address: "10.0.0.1")]), connect: { _ in host })
        let compiled = Locked<[Int]>([])
        engine.recompile = { _, facts in
            compiled.withLock { $0.append(facts.cpus) }
            return Self.catalog(facts, pathReadsFacts: pathReadsFacts)
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-facts-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = TemplateFactsCache(inventoryPath: "/srv/inventory.yml", root: root)
        engine.factsCache = cache
        let runs = Engine.planned(await engine.gather(Catalog(hosts: [Self.catalog(first, pathReadsFacts: pathReadsFacts)]), lock: nil))
        await engine.close(runs)
        return (try #require(runs.first), host.execCount, compiled.current, cache.facts(of: "h1"))
    }

    @Test func aHostWhoseFactsDidNotChangeCostsOneRoundTrip() async throws {
        // Compiled with the facts the cache kept from the last run: nothing to compile again.
        let result = try await Self.run(first: Self.gathered)
        #expect(result.run.error == nil)
        #expect(result.compiled.isEmpty && result.execs == 1)
        #expect(result.run.plan?.steps.first?.resource == .file("/etc/cpus"))
    }

    @Test func otherFactsCostACompileAndAtMostOneMoreRoundTrip() async throws {
        let result = try await Self.run(first: .baseline)
        #expect(result.run.error == nil)
        #expect(result.compiled == [8], "compiled again with the gathered 8 CPUs")
        #expect(result.run.catalog.templateFacts == Self.gathered)
        // The file's wanted content changed, so its probe (which skips a converged file by hash) is asked again.
        #expect(result.execs == 2)
        guard case .file(let file)? = result.run.catalog.resources.first?.spec, case .content(let text)? = file.source else { Issue.record("no file"); return }
        #expect(text.redacted == "cpus=8\n")
        #expect(result.cached == Self.gathered, "kept for the next run's first compile")
        let moved = try await Self.run(first: .baseline, pathReadsFacts: true)
        #expect(moved.execs == 2 && moved.run.plan?.steps.first?.resource == .file("/etc/cpus-8"))
    }

    @Test func theCacheKeepsEachInventorysHostsApart() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-facts-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = TemplateFactsCache(inventoryPath: "/srv/inventory.yml", root: root)
        let other = TemplateFactsCache(inventoryPath: "/srv/other.yml", root: root)
        #expect(cache.all().isEmpty, "nothing yet")
        cache.store(Self.gathered, of: "h1")
        #expect(cache.all() == ["h1": Self.gathered])
        #expect(other.all().isEmpty, "one folder per inventory: two inventories may name hosts alike")
    }

    @Test func offlineRendersWithTheBaselineAndSaysSo() {
        let engine = Engine(inventory: Inventory(hosts: [Host("h1", address: "10.0.0.1")]), connect: { host in
            throw RemoteError(.refused, host: host.name, "offline")
        })
        let runs = Engine.planned(engine.assumeFresh(Catalog(hosts: [Self.catalog(.baseline, pathReadsFacts: false)])))
        let note = runs.first?.plan?.steps.first?.note ?? ""
        #expect(note.contains("rendered with assumed facts (debian 12, amd64, 2 CPUs, 2048 MB)"), "\(note)")
    }
}
