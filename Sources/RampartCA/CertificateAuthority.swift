import Crypto
import Foundation
import RampartBasics
import RampartLoading
import SwiftASN1
import X509

/// A leaf certificate and its key, as issued for one host.
public struct IssuedCertificate: Sendable, Hashable {
    public var certificatePEM: String
    /// The leaf's private key (PEM); only ever written to its own host's key file.
    public var privateKey: Secret
    public var commonName: String
    public var subjectAltNames: [String]
    public var notAfter: Date

    /// Days until it expires, from `now`.
    public func daysLeft(now: Date = Date()) -> Int { Int(notAfter.timeIntervalSince(now) / 86_400) }
}

/// Rampart's internal certificate authority, kept on the control node: an ECDSA P-256 root that
/// issues each host's TLS certificates (≤ 366 days, the right SANs), renewed when fewer than
/// `renewBefore` days remain. The CA key never leaves this machine; it and every leaf key are
/// mode 0600 and vault-encrypted when a vault password is available.
///
/// Layout: `ca.crt`, `ca.key`, `issued/<host>/<name>.crt|.key`. A leaf is re-issued only when it
/// is missing, expiring, for other names, or from another CA — so re-runs change nothing.
public final class CertificateAuthority: @unchecked Sendable {
    public let directory: String
    public let certificate: Certificate
    public let certificatePEM: String
    private let key: P256.Signing.PrivateKey
    private let vault: VaultPassword?

    init(directory: String, certificate: Certificate, certificatePEM: String, key: P256.Signing.PrivateKey, vault: VaultPassword?) {
        self.directory = directory
        self.certificate = certificate
        self.certificatePEM = certificatePEM
        self.key = key
        self.vault = vault
    }

    /// Opens the CA in `directory`, creating it (and the folder, 0700) on first use.
    public static func openOrCreate(directory: String, name: String, vault: VaultPassword?) throws -> CertificateAuthority {
        let fm = FileManager.default
        let certPath = directory + "/ca.crt", keyPath = directory + "/ca.key"
        if fm.fileExists(atPath: certPath) {
            let pem = try String(contentsOfFile: certPath, encoding: .utf8)
            let certificate = try Certificate(pemEncoded: pem)
            let keyPEM = try SecretFiles.read(keyPath, vault: vault)
            let key = try keyPEM.withRevealed { try P256.Signing.PrivateKey(pemRepresentation: $0) }
            guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
                throw DiagnosticError(.error("\(keyPath) does not belong to \(certPath)", hint: "restore the matching key, or move the folder away to start a new CA"))
            }
            return CertificateAuthority(directory: directory, certificate: certificate, certificatePEM: pem, key: key, vault: vault)
        }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("Rampart")
            CommonName("Rampart internal CA (\(name))")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        let pem = try certificate.serializeAsPEM().pemString + "\n"
        try SecretFiles.write(Secret(key.pemRepresentation + "\n"), to: keyPath, vault: vault)
        try SecretFiles.writePublic(pem, to: certPath)
        return CertificateAuthority(directory: directory, certificate: certificate, certificatePEM: pem, key: key, vault: vault)
    }

    /// The leaf for `host`/`name`: the stored one while it fits, else a new one (stored).
    public func leaf(host: String, name: String, commonName: String, subjectAltNames: [String], validDays: Int,
                     renewBefore: Int, now: Date = Date()) throws -> IssuedCertificate {
        let names = ([commonName] + subjectAltNames).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let base = "\(directory)/issued/\(host)/\(name)"
        if let stored = try? load(base), stored.commonName == commonName, Set(stored.subjectAltNames) == Set(names),
           stored.daysLeft(now: now) >= renewBefore, (try? Certificate(pemEncoded: stored.certificatePEM).issuer) == certificate.subject {
            return stored
        }
        let leafKey = P256.Signing.PrivateKey()
        let sans = SubjectAlternativeNames(names.map { name -> GeneralName in
            if let bytes = Self.ipBytes(name) { return .ipAddress(ASN1OctetString(contentBytes: bytes[...])) }
            return .dnsName(name)
        })
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(Double(min(validDays, 366)) * 86_400 - 3600),
            issuer: certificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                sans
                SubjectKeyIdentifier(hash: Certificate.PublicKey(leafKey.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: .init(key))
        let issued = IssuedCertificate(certificatePEM: try leaf.serializeAsPEM().pemString + "\n",
                                       privateKey: Secret(leafKey.pemRepresentation + "\n"), commonName: commonName,
                                       subjectAltNames: names, notAfter: leaf.notValidAfter)
        try FileManager.default.createDirectory(atPath: "\(directory)/issued/\(host)", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try SecretFiles.write(issued.privateKey, to: base + ".key", vault: vault)
        try SecretFiles.writePublic(issued.certificatePEM, to: base + ".crt")
        return issued
    }

    /// Every stored leaf as (host, name, certificate), for `rampart ca list`.
    public func leaves() -> [(host: String, name: String, certificate: IssuedCertificate)] {
        let fm = FileManager.default
        var result: [(String, String, IssuedCertificate)] = []
        for host in ((try? fm.contentsOfDirectory(atPath: directory + "/issued")) ?? []).sorted() {
            for file in ((try? fm.contentsOfDirectory(atPath: "\(directory)/issued/\(host)")) ?? []).sorted() where file.hasSuffix(".crt") {
                let name = String(file.dropLast(4))
                if let leaf = try? load("\(directory)/issued/\(host)/\(name)", withKey: false) { result.append((host, name, leaf)) }
            }
        }
        return result
    }

    private func load(_ base: String, withKey: Bool = true) throws -> IssuedCertificate {
        let pem = try String(contentsOfFile: base + ".crt", encoding: .utf8)
        let leaf = try Certificate(pemEncoded: pem)
        let key = withKey ? try SecretFiles.read(base + ".key", vault: vault) : Secret("")
        var names: [String] = []
        for name in (try? leaf.extensions.subjectAlternativeNames) ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let dns): names.append(dns)
            case .ipAddress(let octets): names.append(Self.ipText(Array(octets.bytes)))
            default: continue
            }
        }
        let commonName = leaf.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.map { "\($0.value)" } ?? ""
        return IssuedCertificate(certificatePEM: pem, privateKey: key, commonName: commonName, subjectAltNames: names,
                                 notAfter: leaf.notValidAfter)
    }

    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func ipText(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Key files on the control node: 0600, written atomically, vault-encrypted when a password is available.
enum SecretFiles {
    static func write(_ secret: Secret, to path: String, vault: VaultPassword?) throws {
        var data = secret.withRevealed { Data($0.utf8) }
        if let vault, vault.isConfigured { data = try Vault.encrypt(data, password: try vault.get()) }
        try AtomicFile.write(data, to: path, mode: 0o600)
    }

    static func writePublic(_ text: String, to path: String) throws {
        try AtomicFile.write(Data(text.utf8), to: path, mode: 0o644)
    }

    static func read(_ path: String, vault: VaultPassword?) throws -> Secret {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.error("cannot read \(path)", hint: "check the CA folder; its keys are mode 0600 for this user"))
        }
        if Vault.isEncrypted(data) {
            guard let vault else { throw DiagnosticError(.error("\(path) is vault-encrypted and no vault password was given")) }
            return Secret(String(decoding: try Vault.decrypt(data, password: try vault.get()), as: UTF8.self))
        }
        return Secret(String(decoding: data, as: UTF8.self))
    }
}
