import Crypto
import Foundation

/// The fingerprint of an ASCII-armored OpenPGP public key's primary key (RFC 4880 §12.2: SHA-1
/// over 0x99, the two-byte length and the v4 key packet), so an apt repository's key file is
/// checked against its pinned fingerprint on the control node, where it is read. Written here
/// because the hosts have no gpg and no kept library parses OpenPGP; compared with `gpg --show-keys`.
enum OpenPGPKey {
    struct Failure: Error { var message: String }

    static func fingerprint(armored text: String) throws -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN PGP PUBLIC KEY BLOCK-----"),
              let end = lines[begin...].firstIndex(of: "-----END PGP PUBLIC KEY BLOCK-----") else {
            throw Failure(message: "it is not an ASCII-armored public key (export it with `gpg --export --armor`)")
        }
        // Armor headers end at the first blank line; the checksum line starts with '='.
        var body = Array(lines[(begin + 1)..<end])
        if let blank = body.firstIndex(of: "") { body = Array(body[(blank + 1)...]) }
        let base64 = body.filter { !$0.hasPrefix("=") }.joined()
        guard let data = Data(base64Encoded: base64), !data.isEmpty else { throw Failure(message: "its armored body is not valid base64") }
        let bytes = [UInt8](data)
        guard let packet = try firstPacket(bytes), packet.tag == 6 else { throw Failure(message: "its first packet is not a public key") }
        guard packet.body.first == 4 else { throw Failure(message: "its key is version \(packet.body.first ?? 0); only v4 keys are checked") }
        var hashed: [UInt8] = [0x99, UInt8(packet.body.count >> 8), UInt8(packet.body.count & 0xff)]
        hashed += packet.body
        return Insecure.SHA1.hash(data: hashed).map { String(format: "%02X", $0) }.joined()
    }

    /// Tag and body of the first packet (old and new header formats).
    static func firstPacket(_ b: [UInt8]) throws -> (tag: Int, body: [UInt8])? {
        guard let first = b.first, first & 0x80 != 0 else { return nil }
        var offset = 1, length = 0, tag = 0
        if first & 0x40 != 0 {
            tag = Int(first & 0x3f)
            guard b.count > 1 else { return nil }
            let l0 = Int(b[1])
            if l0 < 192 { length = l0; offset = 2 }
            else if l0 < 224, b.count > 2 { length = ((l0 - 192) << 8) + Int(b[2]) + 192; offset = 3 }
            else if l0 == 255, b.count > 5 { length = Int(b[2]) << 24 | Int(b[3]) << 16 | Int(b[4]) << 8 | Int(b[5]); offset = 6 }
            else { return nil }
        } else {
            tag = Int((first >> 2) & 0x0f)
            switch first & 0x03 {
            case 0: guard b.count > 1 else { return nil }; length = Int(b[1]); offset = 2
            case 1: guard b.count > 2 else { return nil }; length = Int(b[1]) << 8 | Int(b[2]); offset = 3
            case 2: guard b.count > 4 else { return nil }; length = Int(b[1]) << 24 | Int(b[2]) << 16 | Int(b[3]) << 8 | Int(b[4]); offset = 5
            default: return nil
            }
        }
        guard offset + length <= b.count else { return nil }
        return (tag, Array(b[offset..<(offset + length)]))
    }
}
