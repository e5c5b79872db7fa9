import RampartBasics

/// A local user account.
public struct UserResource: ResourceDescription {
    public static let kind = ResourceKind.user

    public var name: String
    public var uid: Int?
    /// Primary group; nil lets `useradd` choose.
    public var group: String?
    /// Supplementary groups, exactly (others are removed).
    public var groups: [String]
    public var home: String?
    public var shell: String?
    /// A system account (no aging, uid from the system range).
    public var system: Bool
    /// The password as /etc/shadow holds it (a crypt hash, e.g. from `password_hash`): always a
    /// secret, compared on the host by its SHA-256 and set with `chpasswd -e` from stdin.
    public var password: SensitiveText?
    /// true: the password is locked (`usermod -L`, a `!` before the hash); false: unlocked.
    public var passwordLock: Bool?
    /// Password ageing, in days (`chage -M`, `-m`, `-W`); nil leaves it as it is.
    public var passwordExpireMax: Int?
    public var passwordExpireMin: Int?
    public var passwordExpireWarn: Int?
    public var state: Presence

    public init(_ name: String, uid: Int? = nil, group: String? = nil, groups: [String] = [], home: String? = nil,
                shell: String? = nil, system: Bool = false, password: SensitiveText? = nil, passwordLock: Bool? = nil,
                passwordExpireMax: Int? = nil, passwordExpireMin: Int? = nil, passwordExpireWarn: Int? = nil,
                state: Presence = .present) {
        self.name = name
        self.uid = uid
        self.group = group
        self.groups = groups
        self.home = home
        self.shell = shell
        self.system = system
        self.password = password
        self.passwordLock = passwordLock
        self.passwordExpireMax = passwordExpireMax
        self.passwordExpireMin = passwordExpireMin
        self.passwordExpireWarn = passwordExpireWarn
        self.state = state
    }

    /// Why `hash` is not a crypt hash /etc/shadow can hold (a clear password, a `:`, a newline); nil when it is.
    public static func passwordProblem(_ hash: String) -> String? {
        if hash.contains(":") || hash.contains("\n") { return "holds a ':' or a newline, which /etc/shadow cannot" }
        guard hash.hasPrefix("$") else { return "is not a crypt hash (it must start with $, like $y$ or $6$): a clear password is never set" }
        return nil
    }

    /// Whether the account's /etc/shadow entry must be looked at.
    public var managesShadow: Bool {
        password != nil || passwordLock != nil || passwordExpireMax != nil || passwordExpireMin != nil || passwordExpireWarn != nil
    }
}
