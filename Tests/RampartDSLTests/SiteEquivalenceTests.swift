import FoobarSite
import Foundation
import Rampart
import RampartDSL
import Testing

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The reference site written in Swift (Sources/FoobarSite) against the same site in YAML
/// (inventories/lab.yml + playbooks/site.yml): one model, one catalog, byte for byte.
struct SiteEquivalenceTests {
    static func yamlSite() throws -> Project {
        try Project.load(inventory: repository.appendingPathComponent("inventories/lab.yml").path,
                         playbook: repository.appendingPathComponent("playbooks/site.yml").path)
    }

    @Test func swiftSiteIsReadAsTheYAMLFilesBesideIt() {
        #expect(foobar.inventoryPath == repository.appendingPathComponent("inventories/lab.yml").path)
        #expect(foobar.playbookPath == repository.appendingPathComponent("playbooks/site.yml").path)
    }

    @Test func swiftSiteLoadsToTheSameModel() throws {
        let swift = try foobar.load(), yaml = try Self.yamlSite()
        #expect(swift.inventory == yaml.inventory)
        #expect(swift.playbook.plays == yaml.playbook.plays)
        #expect(Set(swift.playbook.roles.keys) == Set(yaml.playbook.roles.keys))
        for (name, role) in yaml.playbook.roles {
            #expect(swift.playbook.roles[name] == role, "role \(name)")
        }
    }

    /// Offline (a fresh Debian 12 server's facts) and with facts that change what templates
    /// render (more CPUs, an older OpenSSH): the catalogs' canonical JSON is identical.
    @Test(arguments: ["fresh", "gathered"])
    func swiftSiteCompilesToTheSameCatalogBytes(facts: String) throws {
        let swift = try foobar.load(), yaml = try Self.yamlSite()
        var given: [String: TemplateFacts] = [:]
        if facts == "gathered" {
            for host in yaml.inventory.hosts {
                given[host.name] = TemplateFacts(osID: "debian", osVersion: "12", osFamily: "debian", osCodename: "bookworm",
                                                 arch: "x86_64", cpus: 4, memoryMB: 2048, packages: ["openssh-server": "1:8.4p1-5"])
            }
        }
        let fromSwift = try swift.compile(facts: given, offline: true), fromYAML = try yaml.compile(facts: given, offline: true)
        #expect(fromYAML.hosts.count == 6)
        #expect(fromYAML.hosts.map(\.resources.count).reduce(0, +) > 150)
        let swiftJSON = try fromSwift.canonicalJSON(), yamlJSON = try fromYAML.canonicalJSON()
        #expect(swiftJSON == yamlJSON)
        if swiftJSON != yamlJSON {
            let a = String(decoding: swiftJSON, as: UTF8.self).split(separator: "\n"), b = String(decoding: yamlJSON, as: UTF8.self).split(separator: "\n")
            if let first = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("first difference at line \(first.offset + 1): swift \(first.element.0) | yaml \(first.element.1)")
            }
        }
    }
}
