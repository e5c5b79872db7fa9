#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who and where the control node's user is: what `%u %d %i %l %L`, `~` and `Match localuser`
/// stand for. OpenSSH takes these from the password database, not `$HOME`.
public struct LocalContext: Sendable {
    public var userName: String
    public var homeDirectory: String
    public var uid: UInt32
    /// gethostname(3), as `%l`; `%L` is the part before the first dot.
    public var hostName: String
    /// For `${VAR}` in paths and `IdentityAgent $VAR`.
    public var environment: [String: String]

    public init(userName: String, homeDirectory: String, uid: UInt32, hostName: String, environment: [String: String]) {
        self.userName = userName
        self.homeDirectory = homeDirectory
        self.uid = uid
        self.hostName = hostName
        self.environment = environment
    }

    /// The running process's user, from getpwuid(getuid()).
    public static func current(environment: [String: String]) -> LocalContext {
        let uid = getuid()
        var name = "root", home = "/"
        if let entry = getpwuid(uid) {
            name = String(cString: entry.pointee.pw_name)
            home = String(cString: entry.pointee.pw_dir)
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return LocalContext(userName: name, homeDirectory: home, uid: uid, hostName: host, environment: environment)
    }

    /// The home directory of `user` (for `~user/…`), nil when there is no such user.
    func homeDirectory(of user: String) -> String? {
        guard let entry = getpwnam(user) else { return nil }
        return String(cString: entry.pointee.pw_dir)
    }
}
