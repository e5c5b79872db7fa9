import Foundation
import RampartFacts
import RampartRemote

/// The on-host lock that keeps two applies from interleaving: a directory under /run
/// (`mkdir` is atomic; a reboot clears it) holding who took it and when. A lock older than
/// `staleAfter` seconds is considered abandoned and taken over.
public enum HostLock {
    public static let staleAfter = 3600

    /// Shell that tries once to take the lock and prints `LOCK|ok` or `LOCK|busy|<owner>`.
    public static func acquireScript(owner: String) -> String {
        let lock = HostPaths.lock
        return """
        if mkdir \(lock) 2>/dev/null || { [ -f \(lock)/owner ] && [ $(( $(date +%s) - $(stat -c %Y \(lock)/owner) )) -gt \(staleAfter) ] && rm -rf \(lock) && mkdir \(lock) 2>/dev/null; }; then
          printf '%s\\n' \(ShellQuoting.quote(owner)) > \(lock)/owner; echo 'LOCK|ok'
        else
          printf 'LOCK|busy|%s\\n' "$(cat \(lock)/owner 2>/dev/null)"
        fi
        """
    }

    public static let releaseScript = "rm -rf \(HostPaths.lock)"

    /// Nil when `output` (of `acquireScript`) says the lock was taken, else who holds it.
    public static func holder(in output: String) -> String? {
        let line = output.split(separator: "\n").first { $0.hasPrefix("LOCK|") } ?? "LOCK|busy|"
        return line == "LOCK|ok" ? nil : String(line.dropFirst("LOCK|busy|".count))
    }

    /// Who this run is, as written into the lock.
    public static func ownerDescription(command: String = "rampart apply") -> String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let control = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(command) from \(control) (pid \(getpid())), started \(ISO8601DateFormatter().string(from: Date()))"
    }
}
