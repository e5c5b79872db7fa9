import Foundation
import RampartBasics
import RampartFacts
import RampartRemote

/// The on-host lock that keeps two applies from interleaving.
///
/// The lock is one file, `/run/rampart.lock` (a reboot clears /run), holding one line: the
/// holder's record. It is written to a temporary file and renamed into place, so whoever reads
/// it sees either a whole record or no file — reading it is one operation, and "gone" at any
/// moment means "free". Every compound change (take, take over, release) runs under `flock` of
/// `/run/rampart.lock.guard` (util-linux, essential on Debian), held only while that change runs:
/// two runs can never both decide the lock is theirs, and none reads a lock half-released.
/// The first look of an apply only reads, so it needs no guard.
///
/// Whether a busy lock is abandoned is decided here on the control node, from data: a holder
/// older than `staleAfter` seconds (its age measured by the host's own clock), or a Rampart run
/// of this control node whose process is gone. Taking over is compare-and-swap: the lock is
/// replaced only while it still holds the record that was judged abandoned.
public enum HostLock {
    public static let staleAfter = 3600
    /// How long a lock change waits for the guard (held for milliseconds by another run).
    static let guardTimeout = 10

    /// Shell that tries once to take the lock and prints one status line (see `LockStatus`);
    /// `replacing` is an abandoned holder's record, replaced only while it is still the one there.
    public static func acquireScript(for holder: LockHolder, replacing abandoned: String? = nil, path: String = HostPaths.lock) -> String {
        guarded(path, """
        L=$1
        cur=$(cat -- "$L" 2>/dev/null || cat -- "$L/owner" 2>/dev/null)
        if [ ! -e "$L" ] || { [ -n "$3" ] && [ "$cur" = "$3" ]; }; then
          rm -rf -- "$L" && printf '%s\\n' "$2" > "$L.new" && mv -f -- "$L.new" "$L" && { echo 'LOCK|ok'; exit 0; }
          echo "LOCK|error|could not write $L"; exit 0
        fi
        now=$(date +%s); m=$(stat -c %Y -- "$L" 2>/dev/null)
        case "$m" in ''|*[!0-9]*) m=$now ;; esac
        printf 'LOCK|busy|%s|%s\\n' "$((now - m))" "$cur"
        """, holder.record, abandoned ?? "")
    }

    /// Shell that releases the lock if `holder` still holds it (never another run's lock, even
    /// one that took this run's over). Prints nothing; always succeeds.
    public static func releaseScript(for holder: LockHolder, path: String = HostPaths.lock) -> String {
        "{ " + guarded(path, """
        [ "$(cat -- "$1" 2>/dev/null)" = "$2" ] && rm -f -- "$1"; exit 0
        """, holder.record) + "; } >/dev/null 2>&1; true"
    }

    /// Shell that only looks, in one read: `LOCK|free`, or `LOCK|busy||<record>`.
    public static func peekScript(path: String = HostPaths.lock) -> String {
        let l = ShellQuoting.quote(path)
        return """
        if h=$(cat -- \(l) 2>/dev/null) || h=$(cat -- \(l)/owner 2>/dev/null); then printf 'LOCK|busy||%s\\n' "$h"; \
        elif [ -d \(l) ]; then echo 'LOCK|busy||'; else echo 'LOCK|free'; fi
        """
    }

    /// `script` run by `sh` under the guard's flock, with `path` as $1 and `arguments` after it
    /// (records travel as arguments, so nothing in them is ever parsed as shell).
    private static func guarded(_ path: String, _ script: String, _ arguments: String...) -> String {
        let words = ([path + ".guard", "sh", "-c", script, "sh", path] + arguments).map(ShellQuoting.quote).joined(separator: " ")
        return "flock -w \(guardTimeout) \(words) || echo 'LOCK|error|could not hold \(path).guard within \(guardTimeout) s (it needs flock, from util-linux)'"
    }

    /// The status line an acquire or peek script printed.
    public static func status(in output: String) -> LockStatus {
        let line = output.split(separator: "\n").first { $0.hasPrefix("LOCK|") } ?? "LOCK|error|the lock script printed nothing"
        let fields = line.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        switch fields.count > 1 ? fields[1] : "" {
        case "ok": return .acquired
        case "free": return .free
        case "busy" where fields.count == 4: return .busy(record: fields[3], age: Int(fields[2]))
        default: return .failed(fields.count > 2 ? fields[2...].joined(separator: "|") : String(line))
        }
    }

    /// True when a lock whose record is `record`, `age` seconds old, will never be released by its holder.
    public static func isAbandoned(record: String, age: Int?) -> Bool {
        if let age, age > staleAfter { return true }
        return LockHolder(record: record)?.isGoneFromThisMachine ?? false
    }

    /// Runs `body` holding the lock of every host for `lock` (taken in order, all or none), released in every case.
    public static func holding(_ hosts: [(String, HostConnection)], as lock: LockHolder, _ body: () async throws -> Void) async throws {
        var held: [HostConnection] = []
        func release() async { for c in held { _ = try? await c.run(Command(HostLock.releaseScript(for: lock), display: "release lock")) } }
        for (name, connection) in hosts {
            let result: CommandResult
            do { result = try await connection.run(Command(HostLock.acquireScript(for: lock), display: "lock")) } catch {
                await release()
                throw error
            }
            let status = HostLock.status(in: result.stdoutText)
            guard status == .acquired else {
                await release()
                var why = "could not be locked"
                if let holder = status.holderDescription { why = "is locked by another run: \(holder)" }
                if case .failed(let reason) = status { why += ": \(reason)" }
                throw DiagnosticError(.error("\(name) \(why)", hint: "wait for it to finish, then try again", host: name, step: "lock"))
            }
            held.append(connection)
        }
        do { try await body() } catch {
            await release()
            throw error
        }
        await release()
    }
}

/// What a lock script reported.
public enum LockStatus: Sendable, Equatable {
    /// This run took the lock.
    case acquired
    /// Nobody holds it (a look without taking it).
    case free
    /// Another run holds it: its record (`LockHolder(record:)`, or text someone wrote by hand) and,
    /// when the script could tell, its age in seconds by the host's clock.
    case busy(record: String, age: Int?)
    /// The script could not do its job (an unwritable /run, a guard held too long).
    case failed(String)

    /// Who holds the lock, for messages.
    public var holderDescription: String? {
        guard case .busy(let record, _) = self else { return nil }
        return LockHolder(record: record)?.description ?? (record.isEmpty ? "(unknown)" : record)
    }
}

/// Who holds a host's lock, as data: written into the lock as one `|`-separated record.
public struct LockHolder: Sendable, Equatable {
    public var command: String
    public var controlNode: String
    public var pid: Int32
    /// When the holder started, seconds since 1970 (the control node's clock).
    public var started: Int

    static let tag = "rampart-lock/1"

    public init(command: String, controlNode: String, pid: Int32, started: Int) {
        self.command = command
        self.controlNode = controlNode
        self.pid = pid
        self.started = started
    }

    /// This process, running `command`.
    public static func thisProcess(command: String = "rampart apply") -> LockHolder {
        LockHolder(command: command, controlNode: controlNodeName, pid: getpid(), started: Int(Date().timeIntervalSince1970))
    }

    public var record: String { [Self.tag, command, controlNode, String(pid), String(started)].joined(separator: "|") }

    /// Nil for a record that is not one of ours (a lock written by hand or by another tool).
    public init?(record: String) {
        let f = record.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 5, f[0] == Self.tag, let pid = Int32(f[3]), let started = Int(f[4]) else { return nil }
        self.init(command: f[1], controlNode: f[2], pid: pid, started: started)
    }

    public var description: String {
        let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(started)))
        return "\(command) from \(controlNode) (pid \(pid)), started \(when)"
    }

    /// A Rampart run on this control node whose process is gone: killed or crashed, it will
    /// never release the lock. (Two control nodes with the same host name would confuse this;
    /// the hour-long stale limit still covers other nodes.)
    public var isGoneFromThisMachine: Bool {
        guard controlNode == Self.controlNodeName, pid != getpid() else { return false }
        let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        return !commandLine.contains("rampart")
    }

    static let controlNodeName: String = {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
