import Foundation
import Rampart
import Testing

/// `assert:` in roles and `loop:` over a map, in the catalog (the inventory of ConditionCatalogTests:
/// web1 has tls, web2 not; the group sets min_cpus: 2).
struct AssertAndLoopCatalogTests {
    @Test func assertionsOverVariablesStopTheHostAndThoseOverFactsGoToThePlanner() throws {
        let playbook = """
        name: assert
        roles:
          web:
            assert:
              - that: tls
                message: "{{ inventory_hostname }} serves only HTTPS: set tls"
              - that: facts.cpus >= min_cpus
                message: "web servers need at least {{ min_cpus }} CPUs"
            resources:
              - package: nginx
        plays:
          - { name: web, hosts: webservers, roles: [web] }
        """
        do {
            _ = try ConditionCatalogTests.compile(playbook)
            Issue.record("web2 has no tls: the assertion must fail")
        } catch let error as DiagnosticError {
            let failed = error.diagnostics.filter { $0.severity == .error }
            #expect(failed.count == 1)
            #expect(failed.first?.message == "assertion failed: web2 serves only HTTPS: set tls", "\(error)")
            #expect(failed.first?.location?.line == 5 && failed.first?.location?.column == 15, "at the assertion's `that`")
            #expect(failed.first?.host == "web2")
        }
        let holding = try ConditionCatalogTests.compile(playbook.replacingOccurrences(of: "that: tls", with: "that: tls or not tls"))
        let web1 = try #require(holding["web1"])
        #expect(web1.assertions.map(\.that.description) == ["facts.cpus >= 2"], "the variable replaced by its value, for the planner")
        #expect(web1.assertions.map(\.message) == ["web servers need at least 2 CPUs"])
        #expect(web1.factConditions.contains { $0.description == "facts.cpus >= 2" }, "so the facts exec gathers the CPU count")
    }

    @Test func aLoopOverAMapMakesOneResourcePerEntryInKeyOrder() throws {
        let catalog = try ConditionCatalogTests.compile("""
        name: sysctls
        roles:
          hardening:
            defaults:
              sysctls: { net.ipv4.conf.all.rp_filter: 1, kernel.kptr_restrict: 2, fs.suid_dumpable: 0 }
            resources:
              - sysctl: "{{ item.key }}"
                value: "{{ item.value }}"
                loop: "{{ sysctls }}"
        plays:
          - { name: base, hosts: webservers, roles: [hardening] }
        """)
        let web1 = try #require(catalog["web1"])
        let settings = web1.resources.compactMap { resource -> String? in
            guard case .sysctl(let s) = resource.spec else { return nil }
            return "\(s.key)=\(s.value)"
        }
        #expect(settings == ["fs.suid_dumpable=0", "kernel.kptr_restrict=2", "net.ipv4.conf.all.rp_filter=1"])
    }
}
