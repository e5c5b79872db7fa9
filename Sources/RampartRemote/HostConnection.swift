import RampartBasics

/// An open, reusable connection to one host that runs commands. SSH implements it; unit tests of
/// planning logic may script it, but never as proof that a feature works.
public protocol HostConnection: AnyObject, Sendable {
    /// The inventory name of the host, used in every message.
    var hostName: String { get }
    /// Runs one command and waits for it; throws `RemoteError` for transport failures and timeouts.
    /// A command that ran and failed is a result with a non-zero status, not an error.
    func run(_ command: Command) async throws -> CommandResult
    /// Number of exec channels opened so far (benchmarks report it).
    var execCount: Int { get }
    /// Ends the session politely; later `run` calls fail.
    func close() async
    /// Why the connection is known to be gone without having been used since (its jump host's
    /// session was lost), or nil. Lets a host that was only waiting report the real cause.
    var lostReason: String? { get }
}

extension HostConnection {
    public var lostReason: String? { nil }

    /// Writes `contents` to `path` through the command's stdin (SFTP is slow in libssh2):
    /// a temp file beside the target, then an atomic rename, so readers never see half a file;
    /// a transfer cut short (the run killed) fails its size check and is never renamed into place.
    public func upload(_ contents: [UInt8], to path: String, mode: String = "0644") async throws -> CommandResult {
        let target = ShellQuoting.quote(path)
        let temp = ShellQuoting.quote(path + ".rampart-tmp")
        let script = "umask 077 && cat > \(temp) && [ $(wc -c < \(temp)) -eq \(contents.count) ] && chmod \(mode) \(temp) && mv -f \(temp) \(target) || { rm -f \(temp); exit 1; }"
        return try await run(Command(script, stdin: contents, display: "upload \(path) (\(contents.count) bytes)"))
    }
}
