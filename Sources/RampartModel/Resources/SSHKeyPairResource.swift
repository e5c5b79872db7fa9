/// An SSH key pair made on the host when it is missing (`ssh-keygen`; Ansible's
/// community.crypto.openssh_keypair): a host key, or a service account's key. The private key
/// is born on the host and never travels; a pair of another type or size is made again (the old
/// pair kept in Rampart's backup folder), a public half that is missing or does not match is
/// derived again from the private one.
public struct SSHKeyPairResource: ResourceDescription {
    public static let kind = ResourceKind.sshKeypair

    public enum KeyType: String, Sendable, Hashable, Codable, CaseIterable {
        case ed25519, ecdsa, rsa
        /// As `ssh-keygen -l` names it (`(ED25519)`).
        public var listed: String { rawValue.uppercased() }
        public var defaultBits: Int { self == .rsa ? 3072 : 256 }
    }

    /// The private key's path; the public half is `PATH.pub`.
    public var path: String
    public var type: KeyType
    /// nil: the type's default (ssh-keygen's: 256 for ed25519 and ECDSA, 3072 for RSA).
    public var bits: Int?
    public var owner: String
    public var group: String
    /// The private key's mode; the public half is 0644.
    public var mode: String
    /// The public key's comment (nil: ssh-keygen's `user@host`); only set when a key is made.
    public var comment: String?
    public var state: Presence

    public var name: String { path }
    public var publicPath: String { path + ".pub" }
    public var wantedBits: Int { bits ?? type.defaultBits }

    public init(_ path: String, type: KeyType = .ed25519, bits: Int? = nil, owner: String = "root", group: String = "root",
                mode: String = "0600", comment: String? = nil, state: Presence = .present) {
        self.path = path
        self.type = type
        self.bits = bits
        self.owner = owner
        self.group = group
        self.mode = mode
        self.comment = comment
        self.state = state
    }

    /// Why `bits` does not fit `type` (nil when it does), as ssh-keygen would refuse it.
    public static func bitsProblem(_ bits: Int?, for type: KeyType) -> String? {
        guard let bits else { return nil }
        switch type {
        case .ed25519: return bits == 256 ? nil : "an ed25519 key is always 256 bits"
        case .ecdsa: return [256, 384, 521].contains(bits) ? nil : "an ECDSA key is 256, 384 or 521 bits"
        case .rsa: return (2048...16384).contains(bits) ? nil : "an RSA key needs 2048 to 16384 bits (3072 or more is today's advice)"
        }
    }

    /// Why `mode` cannot be a private key's (nil when it can): octal, and nothing for others —
    /// ssh refuses a key others can read.
    /// The hint beside a `modeProblem`.
    public static let modeHint = "use 0600 (or 0640 for a group that must read it)"

    public static func modeProblem(_ mode: String) -> String? {
        guard FileMode.isOctal(mode), let bits = Int(mode, radix: 8) else { return "a private key's mode is octal permission bits like \"0600\"" }
        return bits & 0o007 != 0 || bits & 0o020 != 0 ? "the private key's mode \(mode) lets others read or change it: ssh refuses such a key" : nil
    }
}
