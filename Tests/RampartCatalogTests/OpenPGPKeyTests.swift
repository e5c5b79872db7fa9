import Foundation
@testable import RampartCatalog
import Testing

/// The pinned-fingerprint check of apt repository keys, against what `gpg --show-keys` printed
/// for the same real keys (Debian's bookworm release key, ed25519, and its archive automatic
/// key, RSA 4096 with subkeys — both exported armored from debian-archive-keyring).
struct OpenPGPKeyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    @Test func fingerprintsAreGPGs() throws {
        let automatic = try String(contentsOf: Self.root.appendingPathComponent("RampartLabTests/Fixtures/library/templates/apt/debian-bookworm-automatic.asc"), encoding: .utf8)
        #expect(try OpenPGPKey.fingerprint(armored: automatic) == "B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8")
        let release = try String(contentsOf: Self.root.appendingPathComponent("RampartCatalogTests/Fixtures/invalid/apt-repository-keys/templates/apt/vendor.asc"), encoding: .utf8)
        #expect(try OpenPGPKey.fingerprint(armored: release) == "4D64FEC119C2029067D6E791F8D2585B8783D481")
    }

    @Test func whatIsNotAnArmoredKeyIsSaidSo() {
        for text in ["not a key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
                     "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"] {
            #expect(throws: OpenPGPKey.Failure.self) { try OpenPGPKey.fingerprint(armored: text) }
        }
    }
}
