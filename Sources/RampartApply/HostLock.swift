import Foundation
import RampartFacts
import RampartRemote

/// The on-host lock that keeps two applies from interleaving: a directory under /run
/// (`mkdir` is atomic; a reboot clears it) holding who took it and when. A lock older than
/// `staleAfter` seconds is considered abandoned and taken over, and so at once is a lock whose
/// holder ran on this control node and no longer runs (a killed or crashed Rampart).
public enum HostLock {
    public static let staleAfter = 3600

    /// Shell that tries once to take the lock and prints `LOCK|ok` or `LOCK|busy|<owner>`;
    /// `takingOver` is an abandoned holder's owner text, replaced only if it is still the one there.
    public static func acquireScript(owner: String, takingOver abandoned: String? = nil) -> String {
        let lock = HostPaths.lock
        let takeOver = abandoned.map { " || { [ \"$(cat \(lock)/owner 2>/dev/null)\" = \(ShellQuoting.quote($0)) ] && rm -rf \(lock) && mkdir \(lock) 2>/dev/null; }" } ?? ""
        return """
        if mkdir \(lock) 2>/dev/null || { [ -f \(lock)/owner ] && [ $(( $(date +%s) - $(stat -c %Y \(lock)/owner) )) -gt \(staleAfter) ] && rm -rf \(lock) && mkdir \(lock) 2>/dev/null; }\(takeOver); then
          printf '%s\\n' \(ShellQuoting.quote(owner)) > \(lock)/owner; echo 'LOCK|ok'
        else
          printf 'LOCK|busy|%s\\n' "$(cat \(lock)/owner 2>/dev/null)"
        fi
        """
    }

    public static let releaseScript = "rm -rf \(HostPaths.lock)"

    /// Shell that only looks: `LOCK|ok` when no apply holds the lock, else `LOCK|busy|<owner>`.
    public static let peekScript = """
        if [ -d \(HostPaths.lock) ]; then printf 'LOCK|busy|%s\\n' "$(cat \(HostPaths.lock)/owner 2>/dev/null)"; else echo 'LOCK|ok'; fi
        """

    /// Nil when `output` (of `acquireScript`) says the lock was taken, else who holds it.
    public static func holder(in output: String) -> String? {
        let line = output.split(separator: "\n").first { $0.hasPrefix("LOCK|") } ?? "LOCK|busy|"
        return line == "LOCK|ok" ? nil : String(line.dropFirst("LOCK|busy|".count))
    }

    /// Who this run is, as written into the lock.
    public static func ownerDescription(command: String = "rampart apply") -> String {
        "\(command) from \(controlNode) (pid \(getpid())), started \(ISO8601DateFormatter().string(from: Date()))"
    }

    /// True when `holder` (an owner text) is a Rampart run on this control node whose process is
    /// gone: killed or crashed, it will never release the lock. (Two control nodes with the same
    /// host name would confuse this; the hour-long stale limit still covers other nodes.)
    public static func isAbandoned(_ holder: String) -> Bool {
        guard let from = holder.range(of: " from "), let pidStart = holder.range(of: " (pid ", range: from.upperBound..<holder.endIndex),
              String(holder[from.upperBound..<pidStart.lowerBound]) == controlNode,
              let close = holder[pidStart.upperBound...].firstIndex(of: ")"),
              let pid = Int32(holder[pidStart.upperBound..<close]) else { return false }
        if pid == getpid() { return false }
        let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        return !commandLine.contains("rampart")
    }

    static var controlNode: String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
