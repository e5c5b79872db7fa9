import CLibSSH2
import Crypto
import Foundation
import RampartRemote

/// Host key verification against OpenSSH known_hosts files (plain and hashed entries),
/// through libssh2's knownhost API.
struct KnownHostsVerifier {
    let options: SSHOptions

    /// The host name as OpenSSH writes it: `addr`, or `[addr]:port` off port 22.
    var knownHostsName: String { options.port == 22 ? options.address : "[\(options.address)]:\(options.port)" }

    /// Key algorithms to offer first: those already recorded for this host, so a host with
    /// several keys is checked against the one the user actually pinned.
    func preferredHostKeyAlgorithms() -> String {
        let openSSHOrder = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]
        var known: Set<String> = []
        for file in options.knownHostsFiles {
            let entries = KnownHostsCache.shared.entries(of: file)
            known.formUnion(entries.plain[knownHostsName] ?? [])
            for (field, type) in entries.hashed where hostField(field, matches: knownHostsName) { known.insert(type) }
        }
        let first = openSSHOrder.filter(known.contains)
        return (first + openSSHOrder.filter { !known.contains($0) }).joined(separator: ",")
    }

    /// Whether a known_hosts host field (comma list of names, or `|1|salt|hash`) names `name`.
    func hostField(_ field: String, matches name: String) -> Bool {
        if field.hasPrefix("|1|") {
            let parts = field.split(separator: "|")
            guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
                  let hash = Data(base64Encoded: String(parts[2])) else { return false }
            let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
            return Data(mac) == hash
        }
        return field.split(separator: ",").contains { $0 == name }
    }

    /// Checks the session's host key; records it under accept-new; throws with both fingerprints on a change.
    func verify(session: OpaquePointer) throws {
        let host = options.hostName
        var keyLength = 0
        var keyType: Int32 = 0
        guard let keyPointer = libssh2_session_hostkey(session, &keyLength, &keyType) else {
            throw LibSSH2.error(session, code: -1, host: host, while: "reading the host key")
        }
        let presentedKey = [UInt8](UnsafeRawBufferPointer(start: keyPointer, count: keyLength))
        let presented = Self.fingerprint(presentedKey)
        let algorithm = Self.algorithmName(keyType)

        if options.hostKeyPolicy == .off {
            FileHandle.standardError.write(Data(
                "warning: \(host): host key checking is OFF — anyone on the network path can impersonate this host (\(algorithm) \(presented))\n".utf8))
            return
        }

        guard let store = libssh2_knownhost_init(session) else {
            throw LibSSH2.error(session, code: -1, host: host, while: "initialising known_hosts")
        }
        defer { libssh2_knownhost_free(store) }
        for file in options.knownHostsFiles where FileManager.default.fileExists(atPath: file) {
            let count = rampart_knownhost_readfile(store, file)
            if count < 0 {
                throw RemoteError(.hostKeyFileUnreadable, host: host, "cannot parse known_hosts file \(file)",
                                  hint: "fix or remove the malformed line (ssh-keygen -F \(knownHostsName) -f \(file) shows entries)")
            }
        }

        let typeMask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | Self.knownHostKeyBits(keyType)
        var match: UnsafeMutablePointer<libssh2_knownhost>?
        let result = presentedKey.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                libssh2_knownhost_checkp(store, options.address, Int32(options.port), $0.baseAddress, keyLength, typeMask, &match)
            }
        }
        switch result {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            var expected = "unknown"
            if let known = match?.pointee.key, let raw = Data(base64Encoded: String(cString: known)) {
                expected = Self.fingerprint([UInt8](raw))
            }
            throw RemoteError(.hostKeyChanged, host: host,
                              "HOST KEY CHANGED for \(knownHostsName): known_hosts has \(algorithm) \(expected), the server presented \(algorithm) \(presented) — refusing to connect",
                              hint: "this can be an attack; if the host was really reinstalled, remove the old key with `ssh-keygen -R '\(knownHostsName)' -f \(options.knownHostsFiles.first ?? "~/.ssh/known_hosts")` and connect again")
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
            guard options.hostKeyPolicy == .acceptNew else {
                throw RemoteError(.hostKeyUnknown, host: host,
                                  "host key of \(knownHostsName) is not in \(options.knownHostsFiles.joined(separator: ", ")) (server presented \(algorithm) \(presented))",
                                  hint: "verify the fingerprint out of band and add it (ssh-keyscan -p \(options.port) \(options.address) >> known_hosts), or set host_key_checking: accept-new")
            }
            try record(store: store, key: presentedKey, typeMask: typeMask)
            FileHandle.standardError.write(Data("note: \(host): recorded new host key \(algorithm) \(presented) for \(knownHostsName)\n".utf8))
        default:
            throw LibSSH2.error(session, code: result, host: host, while: "checking the host key")
        }
    }

    /// Appends one line for the new key to the first known_hosts file (never rewrites the file).
    private func record(store: OpaquePointer, key: [UInt8], typeMask: Int32) throws {
        guard let file = options.knownHostsFiles.first else {
            throw RemoteError(.hostKeyUnknown, host: options.hostName, "no known_hosts file to record the key in")
        }
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let comment = "added by rampart"
        let added = key.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                libssh2_knownhost_addc(store, knownHostsName, nil, $0.baseAddress, key.count,
                                       comment, comment.utf8.count, typeMask, &entry)
            }
        }
        var line = [CChar](repeating: 0, count: 8192)
        var length = 0
        guard added == 0, let entry,
              libssh2_knownhost_writeline(store, entry, &line, line.count, &length, LIBSSH2_KNOWNHOST_FILE_OPENSSH) == 0 else {
            throw RemoteError(.hostKeyUnknown, host: options.hostName, "could not record the host key in \(file)")
        }
        let text = cText(line)
        let directory = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else {
            throw RemoteError(.hostKeyFileUnreadable, host: options.hostName, "cannot write \(file): \(errnoText())")
        }
        defer { close(fd) }
        let bytes = Array(text.hasSuffix("\n") ? text.utf8 : (text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// `SHA256:base64` without padding, as `ssh-keygen -l` prints it.
    static func fingerprint(_ key: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: key)).base64EncodedString()
        return "SHA256:" + digest.trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }

    static func algorithmName(_ type: Int32) -> String {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ED25519"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ECDSA-256"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ECDSA-384"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ECDSA-521"
        case LIBSSH2_HOSTKEY_TYPE_RSA: return "RSA"
        case LIBSSH2_HOSTKEY_TYPE_DSS: return "DSA"
        default: return "unknown"
        }
    }

    static func knownHostKeyBits(_ type: Int32) -> Int32 {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521
        case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA
        case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS
        default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN
        }
    }
}

/// known_hosts files parsed once per process (and again when they change): with hundreds of
/// hosts, re-reading the file for every connection made the key preference quadratic.
final class KnownHostsCache: @unchecked Sendable {
    struct Entries {
        /// Plain host name → key types recorded for it.
        var plain: [String: Set<String>] = [:]
        /// Hashed (`|1|salt|hash`) host fields with their key type.
        var hashed: [(field: String, type: String)] = []
    }

    static let shared = KnownHostsCache()
    private let lock = NSLock()
    private var cache: [String: (modified: Date?, size: Int, entries: Entries)] = [:]

    func entries(of file: String) -> Entries {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        let modified = attributes?[.modificationDate] as? Date
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        return lock.withLock {
            if let cached = cache[file], cached.modified == modified, cached.size == size { return cached.entries }
            var entries = Entries()
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard fields.count >= 3, !fields[0].hasPrefix("#"), !fields[0].hasPrefix("@") else { continue }
                    let type = String(fields[1])
                    if fields[0].hasPrefix("|1|") { entries.hashed.append((String(fields[0]), type)); continue }
                    for name in fields[0].split(separator: ",") { entries.plain[String(name), default: []].insert(type) }
                }
            }
            cache[file] = (modified, size, entries)
            return entries
        }
    }
}
