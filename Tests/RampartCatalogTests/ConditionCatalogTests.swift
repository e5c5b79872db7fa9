import Foundation
import Rampart
import Testing

/// `when:` in the catalog: what variables decide is decided per host here (the resource is in
/// the host's catalog or not), what facts decide is kept, with the variables in it replaced
/// by the host's values, for the planner.
struct ConditionCatalogTests {
    static func compile(_ playbook: String) throws -> Catalog {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-when-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("playbooks"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        hosts:
          web1: { address: 10.0.0.11, vars: { tls: true } }
          web2: { address: 10.0.0.12, vars: { tls: false } }
        groups:
          webservers: { hosts: [web1, web2], vars: { min_cpus: 2 } }
        """.write(to: folder.appendingPathComponent("inventory.yml"), atomically: true, encoding: .utf8)
        try playbook.write(to: folder.appendingPathComponent("playbooks/site.yml"), atomically: true, encoding: .utf8)
        let project = try Project.load(inventory: folder.appendingPathComponent("inventory.yml").path,
                                       playbook: folder.appendingPathComponent("playbooks/site.yml").path)
        return try project.compile()
    }

    @Test func variablesDecideInTheCatalogFactsInThePlanner() throws {
        let catalogs = try Self.compile("""
        name: when
        roles:
          web:
            resources:
              - package: nginx
              - package: certbot
                when: tls
              - package: stunnel4
                when: tls and facts.cpus >= min_cpus
              - package: tree
                requires: [package:certbot]
          tls:
            resources:
              - package: ssl-cert
          debian:
            resources:
              - package: apt-listchanges
        plays:
          - name: web
            hosts: webservers
            roles:
              - web
              - tls: { when: "tls" }
          - name: debian only
            hosts: webservers
            when: facts.os.family == 'debian'
            roles: [debian]
        """)
        let web1 = try #require(catalogs["web1"]), web2 = try #require(catalogs["web2"])
        #expect(web1.resources.map(\.id.name) == ["nginx", "certbot", "stunnel4", "tree", "ssl-cert", "apt-listchanges"])
        // On web2 certbot's condition is false: it is not there, and `requires` it is no error.
        #expect(web2.resources.map(\.id.name) == ["nginx", "tree", "apt-listchanges"])
        #expect(web1.resource(.package("certbot"))?.when == nil, "decided by variables: nothing left for the planner")
        #expect(web1.resource(.package("stunnel4"))?.when?.description == "facts.cpus >= 2", "the variable replaced by its value")
        #expect(web1.resource(.package("apt-listchanges"))?.when?.description == "facts.os.family == 'debian'", "the play's condition")
    }
}
