import Foundation
import Rampart
import Testing

/// A user's password hash is a secret wherever it came from: the plan holds only its hash, the
/// applier sends it on stdin (the planning fixture user-password-lock-and-ageing shows the steps).
struct UserShadowTests {
    @Test func aPasswordHashTravelsOnlyAsASensitivePayload() throws {
        let hash = "$y$j9T$plainly$written$in$the$playbook"
        let catalog = try PlanningFixtureTests.catalog(resources: "      - user: ops\n        password: \"\(hash)\"\n", vars: [:])
        var facts = HostFacts(host: "h1")
        facts.users["ops"] = UserFact(uid: 1001, gid: 1001, home: "/home/ops", shell: "/bin/bash", groups: [],
                                      shadow: ShadowFact(passwordSHA256: "0", locked: false, minDays: nil, maxDays: nil, warnDays: nil))
        let (plan, diagnostics, payloads) = HostPlanner.planWithPayloads(catalog: catalog, facts: facts)
        #expect(diagnostics.isEmpty)
        let step = try #require(plan.steps.first)
        guard case .sensitive(let sha256, let key)? = step.payload else { Issue.record("not a sensitive payload: \(String(describing: step.payload))"); return }
        #expect(payloads[key] == Array("ops:\(hash)\n".utf8) && sha256 == sha256Hex(Array("ops:\(hash)\n".utf8)))
        let encoded = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        #expect(!encoded.contains("plainly"), "the hash is nowhere in the plan")
    }

    @Test func aClearPasswordIsRefused() {
        #expect(throws: DiagnosticError.self) {
            _ = try PlanningFixtureTests.catalog(resources: "      - user: ops\n        password: hunter2\n", vars: [:])
        }
    }
}
