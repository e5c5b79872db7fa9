import Foundation
import Rampart
import Testing

/// Planning before the servers and the login key exist (a fresh checkout, before `rampart lab
/// up`): offline, `ssh_public_key` is known after apply — a warning and a placeholder the plan
/// says it is — where planning for real hosts stops at one error (Fixtures/invalid/public-key-missing).
struct OfflineProjectTests {
    static let folder = fixtures.appendingPathComponent("invalid/public-key-missing")

    @Test func theLoginKeysPublicHalfIsKnownAfterApplyOffline() throws {
        let project = try Project.load(inventory: Self.folder.appendingPathComponent("inventory.yml").path,
                                       playbook: Self.folder.appendingPathComponent("playbooks/play.yml").path)
        let catalog = try project.compile(offline: true)
        let key = Self.folder.appendingPathComponent("keys/id_ed25519").path
        #expect(catalog.warnings.map(\.description) == [
            "web1: warning: \(key).pub does not exist yet: ssh_public_key (read by file:/home/deploy/.ssh/authorized_keys) is known after apply\n"
                + "  hint: `rampart lab up` makes the lab's key; for a key of your own: ssh-keygen -y -f \(key) > \(key).pub",
        ])
        let web1 = try #require(catalog["web1"])
        #expect(web1.awaitingPublicKey == [ResourceID(.file, "/home/deploy/.ssh/authorized_keys")], "only what reads it")
        let (plan, diagnostics) = HostPlanner.plan(catalog: web1, facts: .freshDebian12(for: web1))
        #expect(diagnostics.isEmpty)
        let step = try #require(plan.steps.first { $0.resources == [ResourceID(.file, "/home/deploy/.ssh/authorized_keys")] })
        #expect(step.note?.contains("the login key's public half (ssh_public_key) is known after apply") == true)
        #expect(step.diff?.contains("+(the public half of \(key), known after apply") == true)
        #expect(plan.steps.contains { $0.resources == [ResourceID(.file, "/etc/ssh/sshd_config.d/50-rampart.conf")] && $0.note == nil })
    }
}
