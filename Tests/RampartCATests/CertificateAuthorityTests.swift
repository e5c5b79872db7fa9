import Foundation
import RampartBasics
import RampartCA
import RampartLoading
import Testing

struct CertificateAuthorityTests {
    func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rampart-ca-\(UUID().uuidString)").path
    }

    func openssl(_ arguments: String) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "openssl " + arguments + " 2>&1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func issuesLeavesThatOpenSSLVerifiesAndReusesThem() throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ca = try CertificateAuthority.openOrCreate(directory: directory, name: "test", vault: nil)
        let leaf = try ca.leaf(host: "web1", name: "backend", commonName: "web1", subjectAltNames: ["10.0.0.11", "www.foobar.com"],
                               validDays: 365, renewBefore: 30)
        #expect(leaf.subjectAltNames == ["web1", "10.0.0.11", "www.foobar.com"])
        #expect(leaf.daysLeft() == 364)
        try leaf.certificatePEM.write(toFile: directory + "/leaf.pem", atomically: true, encoding: .utf8)
        let verify = openssl("verify -CAfile \(directory)/ca.crt -verify_hostname www.foobar.com \(directory)/leaf.pem")
        #expect(verify.0 == 0 && verify.1.contains("OK"), "\(verify.1)")
        let text = openssl("x509 -in \(directory)/leaf.pem -noout -text")
        #expect(text.1.contains("IP Address:10.0.0.11") && text.1.contains("TLS Web Server Authentication") && text.1.contains("ecdsa-with-SHA256"), "\(text.1)")
        // Keys are 0600, folders 0700.
        let keyMode = try FileManager.default.attributesOfItem(atPath: directory + "/ca.key")[.posixPermissions] as? Int
        let leafKeyMode = try FileManager.default.attributesOfItem(atPath: directory + "/issued/web1/backend.key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600 && leafKeyMode == 0o600)
        // Same request → the same certificate (no drift on re-runs), also after reopening the CA.
        let again = try CertificateAuthority.openOrCreate(directory: directory, name: "test", vault: nil)
            .leaf(host: "web1", name: "backend", commonName: "web1", subjectAltNames: ["10.0.0.11", "www.foobar.com"], validDays: 365, renewBefore: 30)
        #expect(again == leaf)
        // Other names, or fewer than renewBefore days left → a new certificate.
        let renamed = try ca.leaf(host: "web1", name: "backend", commonName: "web1", subjectAltNames: ["10.0.0.99"], validDays: 365, renewBefore: 30)
        #expect(renamed.certificatePEM != leaf.certificatePEM)
        let later = Date().addingTimeInterval(340 * 86_400)
        let renewed = try ca.leaf(host: "web1", name: "backend", commonName: "web1", subjectAltNames: ["10.0.0.99"],
                                  validDays: 365, renewBefore: 30, now: later)
        #expect(renewed.certificatePEM != renamed.certificatePEM && renewed.daysLeft(now: later) == 364)
        #expect(ca.leaves().map { "\($0.host)/\($0.name)" } == ["web1/backend"])
    }

    @Test func keysAreVaultEncryptedWhenAPasswordIsSet() throws {
        let directory = folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let vault = VaultPassword(Secret("ca-password"))
        let ca = try CertificateAuthority.openOrCreate(directory: directory, name: "test", vault: vault)
        let leaf = try ca.leaf(host: "lb1", name: "www", commonName: "www.foobar.com", subjectAltNames: [], validDays: 400, renewBefore: 30)
        #expect(leaf.daysLeft() <= 366, "leaves last at most 366 days")
        for key in ["/ca.key", "/issued/lb1/www.key"] {
            let data = try #require(FileManager.default.contents(atPath: directory + key))
            #expect(Vault.isEncrypted(data), "\(key) should be vault-encrypted")
        }
        // Reopening needs the password; with it, the same CA and leaf come back.
        #expect(throws: (any Error).self) { try CertificateAuthority.openOrCreate(directory: directory, name: "test", vault: nil) }
        let reopened = try CertificateAuthority.openOrCreate(directory: directory, name: "test", vault: vault)
        #expect(reopened.certificatePEM == ca.certificatePEM)
        #expect(try reopened.leaf(host: "lb1", name: "www", commonName: "www.foobar.com", subjectAltNames: [], validDays: 400, renewBefore: 30) == leaf)
    }
}
