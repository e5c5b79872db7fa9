import Foundation
import Rampart
import Testing

/// Typed fields written as templates: rendered per host, then read by the same rules as a
/// literal (wrong values are in Fixtures/invalid/templated-typed-fields).
struct TemplatedFieldsCatalogTests {
    static func compile(inventory: String, playbook: String) throws -> Catalog {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-typed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("playbooks"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try inventory.write(to: folder.appendingPathComponent("inventory.yml"), atomically: true, encoding: .utf8)
        try playbook.write(to: folder.appendingPathComponent("playbooks/site.yml"), atomically: true, encoding: .utf8)
        return try Project.load(inventory: folder.appendingPathComponent("inventory.yml").path,
                                playbook: folder.appendingPathComponent("playbooks/site.yml").path).compile()
    }

    static let playbook = """
    name: typed
    roles:
      web:
        defaults: { nginx_state: running, nginx_boot: true, key_mode: "0640" }
        resources:
          - service: nginx
            state: "{{ nginx_state }}"
            enabled: "{{ nginx_boot }}"
          - file: /etc/web.key
            content: "key"
            mode: "{{ key_mode }}"
          - firewall_rule: app
            ports: "{{ app_ports }}"
          - user: app
            uid: "{{ app_uid }}"
            system: "{{ 'yes' if index > 1 else 'no' }}"
          - line: "legacy"
            path: /etc/x
            match: "^legacy"
            state: "{{ 'absent' if retire_legacy else 'present' }}"
            text: "legacy=1"
          - package: tree
    plays:
      - { name: web, hosts: webservers, roles: [web] }
    """

    @Test func typedFieldsTakeEachHostsVariables() throws {
        let catalog = try Self.compile(inventory: """
        hosts:
          web1: { address: 10.0.0.11, vars: { nginx_state: stopped, nginx_boot: false, index: 1, app_uid: 2001, retire_legacy: true } }
          web2: { address: 10.0.0.12, vars: { key_mode: "0600", index: 2, app_uid: 2002, retire_legacy: false } }
        groups:
          webservers: { hosts: [web1, web2], vars: { app_ports: [80, 443] } }
        """, playbook: Self.playbook)
        let web1 = try #require(catalog["web1"]), web2 = try #require(catalog["web2"])
        guard case .service(let nginx1)? = web1.resource(.service("nginx"))?.spec,
              case .service(let nginx2)? = web2.resource(.service("nginx"))?.spec else { Issue.record("no service"); return }
        #expect(nginx1.state == .stopped && nginx1.enabled == false)
        #expect(nginx2.state == .running && nginx2.enabled == true, "the role's defaults")
        guard case .file(let key1)? = web1.resource(.file("/etc/web.key"))?.spec,
              case .file(let key2)? = web2.resource(.file("/etc/web.key"))?.spec else { Issue.record("no file"); return }
        #expect(key1.mode == "0640" && key2.mode == "0600")
        guard case .firewallRule(let rule)? = web1.resource(ResourceID(.firewallRule, "app"))?.spec else { Issue.record("no rule"); return }
        #expect(rule.rule.ports == [80, 443], "a bare {{ list }} gives the list itself")
        guard case .user(let user1)? = web1.resource(.user("app"))?.spec,
              case .user(let user2)? = web2.resource(.user("app"))?.spec else { Issue.record("no user"); return }
        #expect(user1.uid == 2001 && !user1.system && user2.uid == 2002 && user2.system, "a number variable, and an expression rendered as text, then typed")
        guard case .line(let line1)? = web1.resource(ResourceID(.line, "legacy"))?.spec,
              case .line(let line2)? = web2.resource(ResourceID(.line, "legacy"))?.spec else { Issue.record("no line"); return }
        #expect(line1.state == .absent && line2.state == .present)
        // Nothing templated is left in a compiled catalog, and literals never were.
        #expect(web1.resources.allSatisfy { $0.templated == nil })
        let encoded = String(decoding: try JSONEncoder().encode(web1), as: UTF8.self)
        #expect(!encoded.contains("templated"))
    }

    @Test func onlyTypedFieldsWithTemplatesAreKeptForTheCatalog() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-typed-\(UUID().uuidString).yml")
        try Self.playbook.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let playbook = try PlaybookLoader().load(path: file.path)
        let resources = try #require(playbook.roles["web"]).resources
        #expect(resources.first { $0.id == .service("nginx") }?.templated?.templates == ["state": "{{ nginx_state }}", "enabled": "{{ nginx_boot }}"])
        #expect(resources.first { $0.id == .package("tree") }?.templated == nil)
    }
}
