import Foundation
import RampartBasics
@testable import RampartFacts
import RampartModel
import RampartTestSupport
import Testing

/// Key pairs as the host has them: the real probe script run by the local `sh` with this
/// machine's `ssh-keygen` over keys made for the test — type and size read from the private
/// key itself, a public half that does not match, a protected key, no key at all.
final class SSHKeyPairProbeTests: Sendable {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let made = LocalShell.run("""
        cd \(Sh.q(folder)) && ssh-keygen -q -t ed25519 -N '' -C one -f ed </dev/null && ssh-keygen -q -t ecdsa -b 384 -N '' -f ec </dev/null \
          && ssh-keygen -q -t ed25519 -N '' -f other </dev/null && cp other.pub ec.pub \
          && ssh-keygen -q -t ed25519 -N 'secret phrase' -f locked </dev/null && ssh-keygen -q -t rsa -b 2048 -N '' -f rsa </dev/null && rm rsa.pub \
          && ssh-keygen -q -t ed25519 -N '' -f shared </dev/null && chmod 0640 shared
        """)
        try #require(made.status == 0, "ssh-keygen is needed (Debian: openssh-client)")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    @Test func whatEachPrivateKeyIsAndWhetherItsPublicHalfMatches() throws {
        let names = ["ed", "ec", "locked", "rsa", "shared", "none"]
        let catalog = HostCatalog(host: "h1", address: "127.0.0.1",
                                  resources: names.map { Resource(.sshKeypair(SSHKeyPairResource(folder + "/" + $0))) })
        let batch = ProbeBatch(catalog: catalog)
        let (output, status) = LocalShell.run(batch.script)
        #expect(status == 0)
        let facts = batch.parse(output)
        #expect(facts.sshKeygen == true)
        let pairs = try #require(facts.sshKeyPairs)
        let ed = try #require(pairs[folder + "/ed"])
        #expect(ed.type == "ED25519" && ed.bits == 256 && ed.publicMatches && ed.fingerprint?.hasPrefix("SHA256:") == true)
        #expect(ed.privateKey?.mode == "0600" && ed.publicKey?.mode == "0644")
        let ec = try #require(pairs[folder + "/ec"])
        #expect(ec.type == "ECDSA" && ec.bits == 384 && !ec.publicMatches, "the private key's own type, though ec.pub is an ed25519 key")
        #expect(pairs[folder + "/locked"]?.unreadable == true && pairs[folder + "/locked"]?.type == nil, "a passphrase is never asked for")
        #expect(pairs[folder + "/rsa"]?.type == "RSA" && pairs[folder + "/rsa"]?.bits == 2048 && pairs[folder + "/rsa"]?.publicKey == nil)
        #expect(pairs[folder + "/none"] == SSHKeyPairFact(), "no key: nothing known")
        #expect(pairs[folder + "/shared"]?.type == "ED25519" && pairs[folder + "/shared"]?.publicMatches == true,
                "a key its owner shares with a group (0640), which ssh-keygen refuses to open itself")
        #expect(!output.contains("PRIVATE KEY"), "the private key's bytes never leave the host")
    }
}
