import Foundation
import RampartApply
import RampartTestSupport
import Testing

/// The lock's real shell scripts, run by this machine's `sh` (dash on Debian) against a lock in
/// a temporary folder: the states as data, then processes racing on it.
final class HostLockTests: Sendable {
    let folder: String
    let path: String
    let a = LockHolder(command: "rampart apply", controlNode: "ctl-a", pid: 101, started: 1_796_213_740)
    let b = LockHolder(command: "rampart db promote", controlNode: "ctl-b", pid: 202, started: 1_796_213_741)

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/rampart.lock"
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Runs `script` with `sh -c`; returns stdout and exit status.
    static func sh(_ script: String) throws -> (out: String, status: Int32) {
        let (out, status) = LocalShell.run(script)
        return (out, status)
    }

    func acquire(_ holder: LockHolder, replacing: String? = nil) throws -> LockStatus {
        HostLock.status(in: try Self.sh(HostLock.acquireScript(for: holder, replacing: replacing, path: path)).out)
    }
    func peek() throws -> LockStatus { HostLock.status(in: try Self.sh(HostLock.peekScript(path: path)).out) }
    func release(_ holder: LockHolder) throws { #expect(try Self.sh(HostLock.releaseScript(for: holder, path: path)).status == 0) }
    var content: String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func takeWaitReleaseAndLook() throws {
        #expect(try peek() == .free)
        #expect(try acquire(a) == .acquired)
        #expect(content == a.record + "\n")
        guard case .busy(let record, let age) = try acquire(b) else { Issue.record("b should find the lock busy"); return }
        #expect(record == a.record && LockHolder(record: record) == a)
        #expect(age.map { (0...5).contains($0) } == true, "age by the host's clock: \(String(describing: age))")
        #expect(try peek() == .busy(record: a.record, age: nil))
        #expect(try peek().holderDescription == "rampart apply from ctl-a (pid 101), started 2026-12-02T12:15:40Z")
        try release(b)   // not b's lock: nothing happens
        #expect(content == a.record + "\n")
        try release(a)
        #expect(try peek() == .free && content == nil)
    }

    @Test func takingOverReplacesOnlyTheRecordJudgedAbandoned() throws {
        #expect(try acquire(a) == .acquired)
        // A stale judgement about someone else's lock does not take this one.
        // (Its age is by the host's clock, whole seconds: 1 when the second turns meanwhile, as under load.)
        guard case .busy(let record, let age) = try acquire(b, replacing: "rampart-lock/1|rampart apply|ctl-a|999|1") else {
            Issue.record("a stale judgement took the lock"); return
        }
        #expect(record == a.record && age.map { (0...5).contains($0) } == true, "age: \(String(describing: age))")
        #expect(try acquire(b, replacing: a.record) == .acquired)
        #expect(content == b.record + "\n")
        try release(a)   // the old holder waking up must not free b's lock
        #expect(content == b.record + "\n")
    }

    @Test func aLockOfTheEarlierDirectoryFormIsBusyAndCanBeTakenOver() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try "rampart apply from old (pid 7), started 2026-01-01T00:00:00Z\n".write(toFile: path + "/owner", atomically: true, encoding: .utf8)
        let old = "rampart apply from old (pid 7), started 2026-01-01T00:00:00Z"
        #expect(try peek() == .busy(record: old, age: nil))
        #expect(try peek().holderDescription == old)
        guard case .busy(old, _) = try acquire(a) else { Issue.record("the old lock should be busy"); return }
        #expect(try acquire(a, replacing: old) == .acquired)
        #expect(content == a.record + "\n")
    }

    @Test func abandonedMeansTooOldOrGoneFromThisMachine() {
        #expect(HostLock.isAbandoned(record: a.record, age: HostLock.staleAfter + 1))
        #expect(!HostLock.isAbandoned(record: a.record, age: 5))   // another control node, recent
        #expect(!HostLock.isAbandoned(record: "someone's own text", age: nil))
        let gone = LockHolder(command: "rampart apply", controlNode: LockHolder.thisProcess().controlNode, pid: Int32.max - 1, started: 0)
        #expect(HostLock.isAbandoned(record: gone.record, age: 1))
        #expect(!HostLock.isAbandoned(record: LockHolder.thisProcess().record, age: 1))
    }

    @Test func anUnwritableLockIsAFailureNotABusyLock() throws {
        let status = HostLock.status(in: try Self.sh(HostLock.acquireScript(for: a, path: "/nonexistent-dir/rampart.lock")).out)
        guard case .failed(let reason) = status else { Issue.record("expected a failure, got \(status)"); return }
        #expect(reason.contains("/nonexistent-dir/rampart.lock"))
    }

    /// Two holders take and release the lock as fast as they can while a third only looks: every
    /// script prints one well-formed status line, and no two holders ever hold it at once (each
    /// writes enter/leave marks into a log while it holds it).
    @Test func racingHoldersAndLookersNeverCollide() async throws {
        let rounds = 150
        let log = folder + "/holders.log"
        func holder(_ me: LockHolder, _ tag: String) async throws -> (taken: Int, malformed: Int) {
            var taken = 0, malformed = 0
            for _ in 0..<rounds {
                // Held across two processes, as an apply holds it across execs.
                let (out, status) = try Self.sh(HostLock.acquireScript(for: me, path: path)
                                                + "\n[ \"$(cat \(path))\" = '\(me.record)' ] && echo 'enter \(tag)' >> \(log); true")
                switch HostLock.status(in: out) {
                case .acquired:
                    taken += 1
                    #expect(try Self.sh("echo 'leave \(tag)' >> \(log)\n" + HostLock.releaseScript(for: me, path: path)).status == 0)
                case .busy: break
                default: malformed += 1
                }
                if status != 0 { malformed += 1 }
            }
            return (taken, malformed)
        }
        async let first = holder(a, "a")
        async let second = holder(b, "b")
        async let looker: Int = {
            var malformed = 0
            for _ in 0..<rounds {
                switch try peek() {
                case .free, .busy: break
                default: malformed += 1
                }
            }
            return malformed
        }()
        let (x, y, z) = try await (first, second, looker)
        print("lock race: \(rounds) rounds × 2 holders + 1 looker; taken \(x.taken) + \(y.taken) times, refused \(2 * rounds - x.taken - y.taken)")
        #expect(x.malformed == 0 && y.malformed == 0 && z == 0)
        #expect(x.taken + y.taken > 0)
        let lines = (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n")
        #expect(lines.count == 2 * (x.taken + y.taken))
        for pair in stride(from: 0, to: lines.count - 1, by: 2) {
            #expect(lines[pair].dropFirst(6) == lines[pair + 1].dropFirst(6) && lines[pair].hasPrefix("enter"), "interleaved at line \(pair): \(lines[pair...].prefix(4))")
        }
        #expect(try peek() == .free)
    }
}
