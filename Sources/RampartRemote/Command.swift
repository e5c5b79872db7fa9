import Foundation
import RampartBasics

/// A shell command to run on a host: the script for `sh`, optional stdin bytes, a timeout and privilege.
///
/// Secrets never go into `script` (it becomes the remote process's argv); they travel on stdin.
/// `display` is what views and logs show.
public struct Command: Sendable {
    /// Shell text run by the remote user's shell (`sh -c` semantics).
    public var script: String
    /// Bytes fed to the command's standard input, then end-of-file.
    public var stdin: [UInt8]
    /// Seconds before the command is abandoned with a timeout error; nil uses the connection default.
    public var timeout: Double?
    /// Run through sudo as root (when the connection's user is not root).
    public var privileged: Bool
    /// Text for humans: the script unless the caller supplied a shorter or masked form.
    public var display: String

    public init(_ script: String, stdin: [UInt8] = [], timeout: Double? = nil, privileged: Bool = true,
                display: String? = nil) {
        self.script = script
        self.stdin = stdin
        self.timeout = timeout
        self.privileged = privileged
        self.display = display ?? script
    }

    /// A command from argv-style words, each quoted.
    public init(arguments: [String], stdin: [UInt8] = [], timeout: Double? = nil, privileged: Bool = true) {
        self.init(ShellQuoting.join(arguments), stdin: stdin, timeout: timeout, privileged: privileged)
    }
}

/// What a finished command left: its output streams, exit status and time taken.
public struct CommandResult: Sendable, Equatable {
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// Exit status; meaningful when `exitSignal` is nil.
    public var exitStatus: Int32
    /// The signal name (e.g. "KILL") when the remote process died from a signal.
    public var exitSignal: String?
    public var seconds: Double

    public init(stdout: [UInt8], stderr: [UInt8], exitStatus: Int32, exitSignal: String? = nil, seconds: Double = 0) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.seconds = seconds
    }

    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
