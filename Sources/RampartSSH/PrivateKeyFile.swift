import Foundation

/// What Rampart can tell about a private key file before handing it to libssh2:
/// its algorithm (to refuse RSA with a clear message) and whether it needs a passphrase.
struct PrivateKeyFile: Sendable, Equatable {
    enum Algorithm: String, Sendable { case ed25519, ecdsa, rsa, dsa, unknown }

    let path: String
    let algorithm: Algorithm
    let encrypted: Bool

    /// Reads and inspects `path`; nil when the file cannot be read.
    static func inspect(path: String) -> PrivateKeyFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return inspectOpenSSH(text: text, path: path)
        }
        // Legacy PEM: the header names the algorithm; encryption shows as a Proc-Type header
        // (traditional) or as PKCS#8 "ENCRYPTED PRIVATE KEY" (algorithm hidden).
        let encrypted = text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")
        if text.contains("BEGIN RSA PRIVATE KEY") { return PrivateKeyFile(path: path, algorithm: .rsa, encrypted: encrypted) }
        if text.contains("BEGIN EC PRIVATE KEY") { return PrivateKeyFile(path: path, algorithm: .ecdsa, encrypted: encrypted) }
        if text.contains("BEGIN DSA PRIVATE KEY") { return PrivateKeyFile(path: path, algorithm: .dsa, encrypted: encrypted) }
        return PrivateKeyFile(path: path, algorithm: .unknown, encrypted: encrypted)
    }

    /// openssh-key-v1: magic, cipher name, kdf name, kdf options, key count, then the public key blob,
    /// all unencrypted — so the key type and the need for a passphrase are readable without one.
    private static func inspectOpenSSH(text: String, path: String) -> PrivateKeyFile {
        let body = text.split(separator: "\n")
            .filter { !$0.hasPrefix("-----") }
            .joined()
        guard let blob = Data(base64Encoded: body, options: .ignoreUnknownCharacters) else {
            return PrivateKeyFile(path: path, algorithm: .unknown, encrypted: false)
        }
        var reader = SSHWireReader(bytes: [UInt8](blob))
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard reader.take(magic.count) == magic,
              let cipher = reader.string(), reader.string() != nil, reader.string() != nil,
              reader.uint32() != nil, let publicBlob = reader.field() else {
            return PrivateKeyFile(path: path, algorithm: .unknown, encrypted: false)
        }
        var publicReader = SSHWireReader(bytes: publicBlob)
        let type = publicReader.string() ?? ""
        return PrivateKeyFile(path: path, algorithm: algorithm(forKeyType: type), encrypted: cipher != "none")
    }

    static func algorithm(forKeyType type: String) -> Algorithm {
        switch type {
        case "ssh-ed25519": return .ed25519
        case let t where t.hasPrefix("ecdsa-sha2-"): return .ecdsa
        case "ssh-rsa": return .rsa
        case "ssh-dss": return .dsa
        default: return .unknown
        }
    }
}

/// Reads SSH wire-format fields (RFC 4251 §5): big-endian uint32 and length-prefixed strings.
struct SSHWireReader {
    private let data: [UInt8]
    private var offset = 0

    init(bytes: [UInt8]) { self.data = bytes }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= data.count else { return nil }
        defer { offset += count }
        return Array(data[offset..<offset + count])
    }

    mutating func uint32() -> UInt32? {
        guard let raw = take(4) else { return nil }
        return raw.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func field() -> [UInt8]? {
        guard let length = uint32(), length < 1 << 24 else { return nil }
        return take(Int(length))
    }

    mutating func string() -> String? { field().map { String(decoding: $0, as: UTF8.self) } }
}
