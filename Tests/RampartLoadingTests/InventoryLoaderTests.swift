import Foundation
import RampartBasics
import RampartLoading
import RampartModel
import Testing

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Invalid inventories as data: each `NAME.yml` beside `NAME.expected`, the exact diagnostics.
struct InvalidInventoryTests {
    static let cases: [String] = {
        let folder = fixtures.appendingPathComponent("invalid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
    }()

    @Test func thereAreFixtures() { #expect(Self.cases.count >= 10) }

    @Test(arguments: cases)
    func diagnosticsMatchExpected(name: String) throws {
        let folder = fixtures.appendingPathComponent("invalid")
        let expected = try String(contentsOf: folder.appendingPathComponent("\(name).expected"), encoding: .utf8)
        let error = #expect(throws: DiagnosticError.self) {
            try InventoryLoader().load(path: folder.appendingPathComponent("\(name).yml").path)
        }
        let actual = (error?.description ?? "").replacingOccurrences(of: folder.path + "/", with: "")
        #expect(actual + "\n" == expected)
    }
}

struct InventoryLoaderTests {
    @Test func labInventoryLoadsWithInheritedConnectionSettings() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("inventories/lab.yml").path
        let inventory = try InventoryLoader().load(path: path)
        #expect(inventory.hosts.map(\.name) == ["lb1", "web1", "web2", "db1", "db2", "mon1"])
        #expect(inventory.members(of: "webservers") == ["web1", "web2"])
        let web1 = try #require(inventory.host(named: "web1"))
        let settings = inventory.connection(for: web1)
        #expect(settings.user == "deploy")
        #expect(settings.bootstrapUser == "root")
        #expect(settings.key == "/var/lib/rampart-lab/id_ed25519")
        #expect(settings.hostKeyChecking == "strict")
        #expect(inventory.vars["apt_proxy"] == .string("http://10.231.77.1:8888"))
    }

    @Test func hostBeatsGroupBeatsDefaultsAndRelativePathsFollowTheFile() throws {
        let inventory = try InventoryLoader().load(path: fixtures.appendingPathComponent("valid/precedence.yml").path)
        let web1 = try #require(inventory.host(named: "web1"))
        let web2 = try #require(inventory.host(named: "web2"))
        let s1 = inventory.connection(for: web1)
        let s2 = inventory.connection(for: web2)
        let db1 = try #require(inventory.host(named: "db1"))
        #expect(s1.port == 2201)                                      // host beats its groups
        #expect(s2.port == 2200)                                      // child group beats parent group
        #expect(inventory.connection(for: db1).port == 2300)          // parent group beats defaults
        #expect(s1.user == "deploy")                                  // defaults fill the rest
        #expect(s2.user == "admin")
        #expect(s1.commandTimeout == 99)
        #expect(s1.key == fixtures.appendingPathComponent("valid/keys/id_ed25519").path)
        #expect(inventory.members(of: "app") == ["web1", "web2", "db1"])
    }

    @Test func limitSelectsHostsGroupsGlobsAndExclusions() throws {
        let inventory = try InventoryLoader().load(path: fixtures.appendingPathComponent("valid/precedence.yml").path)
        func names(_ limit: String?) -> [String] { HostSelection(limit).resolve(in: inventory).hosts.map(\.name) }
        #expect(names(nil) == ["web1", "web2", "db1"])
        #expect(names("webservers") == ["web1", "web2"])
        #expect(names("web*,!web2") == ["web1"])
        #expect(names("!db1") == ["web1", "web2"])
        #expect(names("app") == ["web1", "web2", "db1"])
        #expect(HostSelection("nope").resolve(in: inventory).unmatched == ["nope"])
    }
}

/// Connection settings for real fleets: ssh_config files, jump hosts, hosts known by name only.
@Suite struct FleetConnectionTests {
    @Test func readsSSHConfigJumpsAndHostsWithoutAddress() throws {
        let inventory = try InventoryLoader(environment: [:]).load(text: """
        connection: { ssh_config: ../ssh/config, jump: bastion }
        hosts:
          bastion: { address: 192.0.2.1, connection: { jump: none } }
          web1:
          web2: { connection: { jump: [outer, "admin@inner:2222"], ssh_config: none } }
        """, path: "/srv/site/inventories/prod.yml")
        #expect(inventory.host(named: "web1")?.address == "web1")
        let web1 = inventory.connection(for: inventory.host(named: "web1")!)
        #expect(web1.sshConfig == "/srv/site/inventories/../ssh/config")
        #expect(web1.jump == ["bastion"])
        #expect(inventory.connection(for: inventory.host(named: "bastion")!).jump == [])
        let web2 = inventory.connection(for: inventory.host(named: "web2")!)
        #expect(web2.jump == ["outer", "admin@inner:2222"])
        #expect(web2.sshConfig == "none")
    }

    @Test func aJumpHostWithSpacesIsAnErrorAtItsLine() {
        do {
            _ = try InventoryLoader(environment: [:]).load(text: """
            hosts:
              web1: { connection: { jump: ["outer inner"] } }
            """, path: "/tmp/x.yml")
            Issue.record("accepted")
        } catch let error as DiagnosticError {
            #expect(error.description.contains("x.yml:2:"))
            #expect(error.description.contains("'outer inner' is not a jump host"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
