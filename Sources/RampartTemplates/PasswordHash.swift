import CLibCrypt
import Crypto
import Foundation

/// `password_hash`: a password as /etc/shadow holds it, made by the system's own crypt(3)
/// (libxcrypt). The salt is derived from the host's name (and an optional seed), not drawn at
/// random: the same password gives the same hash on every run, so a re-run is a no-op, and
/// different hosts get different salts.
enum PasswordHash {
    enum Scheme: String, CaseIterable {
        case sha512, yescrypt
        var prefix: String { self == .sha512 ? "$6$" : "$y$" }
    }

    static func hash(_ password: String, scheme: Scheme, saltSeed: String) throws -> String {
        // crypt_gensalt takes the "random" bytes from us: these are a hash of the seed.
        let bytes = Array(SHA256.hash(data: Data(("rampart password_hash salt\u{0}" + saltSeed).utf8)))
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let made = bytes.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { crypt_gensalt_rn(scheme.prefix, 0, $0.baseAddress, Int32($0.count), &setting, Int32(setting.count)) }
        }
        guard made != nil else { throw PasswordHashError("crypt_gensalt refused the \(scheme.rawValue) scheme (errno \(errno))") }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            // The clear password passed through this buffer.
            memset(data, 0, MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let result = crypt_rn(password, setting, data, Int32(MemoryLayout<crypt_data>.size)) else {
            throw PasswordHashError("crypt failed for the \(scheme.rawValue) scheme (errno \(errno))")
        }
        let hash = String(cString: result)
        guard hash.hasPrefix(scheme.prefix) else { throw PasswordHashError("crypt gave no \(scheme.rawValue) hash") }
        return hash
    }
}

struct PasswordHashError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
