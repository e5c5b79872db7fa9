import Foundation

/// Writing a local file so it is never seen half-written: a temp file beside it with the final
/// mode from the start, then `rename`.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: Int) throws {
        let temp = path + ".rampart-tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: mode]) else {
            throw DiagnosticError(.error("cannot write \(temp)", hint: "check the folder exists and is writable"))
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw DiagnosticError(.error("cannot replace \(path): \(reason)"))
        }
    }
}
