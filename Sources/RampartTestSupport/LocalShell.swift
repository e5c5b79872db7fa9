import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `/bin/sh -c SCRIPT` on this machine for tests, without Foundation's `Process`: that one
/// waits in `wait4` for any child on Linux, so many children at once (tests run in parallel)
/// can wedge each other. Here: `posix_spawn`, stdout to a temporary file, and `waitpid` on
/// exactly this child.
public enum LocalShell {
    public static func run(_ script: String, environment: [String: String]? = nil) -> (stdout: String, status: Int32) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-sh-\(UUID().uuidString)").path
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = ["/bin/sh", "-c", script]
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, &envp) == 0 else { return ("", 127) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            // Not ours to reap any more (someone waited for every child): the status is unknown.
            guard errno == EINTR else { return ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "", 255) }
        }
        let exited = (status & 0x7f) == 0
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (text, exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }
}
