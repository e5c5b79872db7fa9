import Crypto
import _CryptoExtras
import Foundation
import RampartBasics

/// Whole-file encryption for secrets kept beside the inventory (like ansible-vault).
///
/// Format: a header line `$RAMPART_VAULT;1;AES-256-GCM;scrypt:N=32768,r=8,p=1`, then base64 of
/// salt (16) ‖ nonce (12) ‖ ciphertext ‖ tag (16) in 76-column lines. The key comes from the
/// password through scrypt (N=2^15, r=8, p=1: ~32 MiB and ~0.1 s per derivation, so guessing is
/// slow); AES-256-GCM authenticates the header and the text, so a changed byte or a wrong
/// password is detected, never decrypted to garbage.
public enum Vault {
    public static let header = "$RAMPART_VAULT;1;AES-256-GCM;scrypt:N=32768,r=8,p=1"
    static let saltSize = 16
    static let nonceSize = 12
    static let tagSize = 16

    /// Why a vault operation failed; messages never contain the password or the plaintext.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notEncrypted
        case malformed(String)
        case wrongPasswordOrChanged
        case emptyPassword

        public var description: String {
            switch self {
            case .notEncrypted: return "the file is not a Rampart vault (it does not start with $RAMPART_VAULT)"
            case .malformed(let why): return "the vault file is damaged: \(why)"
            case .wrongPasswordOrChanged: return "cannot decrypt: wrong vault password, or the file was changed after encryption"
            case .emptyPassword: return "the vault password is empty"
            }
        }
    }

    /// True when `data` starts with the vault header.
    public static func isEncrypted(_ data: Data) -> Bool {
        data.starts(with: Array("$RAMPART_VAULT;".utf8))
    }

    public static func encrypt(_ plaintext: Data, password: Secret) throws -> Data {
        var salt = [UInt8](repeating: 0, count: saltSize)
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255) }
        let key = try deriveKey(password: password, salt: salt)
        let aad = Data(header.utf8)
        let sealed = try AES.GCM.seal(plaintext, using: key, authenticating: aad)
        var payload = Data(salt)
        payload.append(contentsOf: sealed.nonce)
        payload.append(sealed.ciphertext)
        payload.append(sealed.tag)
        let encoded = payload.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        return Data((header + "\n" + encoded + "\n").utf8)
    }

    public static func decrypt(_ file: Data, password: Secret) throws -> Data {
        guard isEncrypted(file) else { throw Failure.notEncrypted }
        guard let text = String(data: file, encoding: .utf8) else { throw Failure.malformed("not text") }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let first = lines.removeFirst()
        guard first == header else {
            throw Failure.malformed("unsupported header '\(first.prefix(60))'; this Rampart writes '\(header)'")
        }
        guard let payload = Data(base64Encoded: lines.joined()) else { throw Failure.malformed("the body is not base64") }
        guard payload.count >= saltSize + nonceSize + tagSize else { throw Failure.malformed("the body is too short") }
        let salt = payload.prefix(saltSize)
        let nonce = payload.dropFirst(saltSize).prefix(nonceSize)
        let ciphertext = payload.dropFirst(saltSize + nonceSize).dropLast(tagSize)
        let tag = payload.suffix(tagSize)
        let key = try deriveKey(password: password, salt: Array(salt))
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            return try AES.GCM.open(box, using: key, authenticating: Data(header.utf8))
        } catch {
            throw Failure.wrongPasswordOrChanged
        }
    }

    static func deriveKey(password: Secret, salt: [UInt8]) throws -> SymmetricKey {
        try password.withRevealed { clear in
            guard !clear.isEmpty else { throw Failure.emptyPassword }
            return try KDF.Scrypt.deriveKey(from: Array(clear.utf8), salt: salt, outputByteCount: 32,
                                            rounds: 1 << 15, blockSize: 8, parallelism: 1)
        }
    }
}

/// Where the vault password comes from: `RAMPART_VAULT_PASSWORD_FILE`, else a prompt supplied by
/// the caller (the CLI asks on the terminal). Read at most once per run.
public final class VaultPassword: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: Secret?
    private let prompt: (@Sendable () throws -> Secret)?
    private let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                prompt: (@Sendable () throws -> Secret)? = nil) {
        self.environment = environment
        self.prompt = prompt
    }

    /// A fixed password (tests, or a caller that already has it).
    public convenience init(_ password: Secret) {
        self.init(environment: [:], prompt: nil)
        cached = password
    }

    /// Whether a password is set without asking anyone (a password file, or given directly):
    /// what decides if new key files on the control node are vault-encrypted.
    public var isConfigured: Bool {
        lock.lock(); defer { lock.unlock() }
        return cached != nil || environment["RAMPART_VAULT_PASSWORD_FILE"] != nil
    }

    public func get() throws -> Secret {
        lock.lock(); defer { lock.unlock() }
        if let cached { return cached }
        if let path = environment["RAMPART_VAULT_PASSWORD_FILE"] {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw DiagnosticError(.error("cannot read the vault password file \(path) (RAMPART_VAULT_PASSWORD_FILE)",
                                             hint: "check the path and that it is readable"))
            }
            let password = Secret(String(text.trimmingCharacters(in: .newlines)))
            cached = password
            return password
        }
        if let prompt {
            let password = try prompt()
            cached = password
            return password
        }
        throw DiagnosticError(.error("a vault password is needed but none was given",
                                     hint: "set RAMPART_VAULT_PASSWORD_FILE to a file holding it, or run on a terminal to be asked"))
    }
}
