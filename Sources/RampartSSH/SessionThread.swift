import Foundation

/// A thread Rampart owns for one SSH session. libssh2 calls block in `poll`; running them here
/// keeps Swift's cooperative thread pool free, and one thread per session keeps each session
/// single-threaded as libssh2 requires. Jobs run in submission order.
final class SessionThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private let idleInterval: Double
    private let onIdle: @Sendable () -> Void

    /// `onIdle` runs on this thread every `idleInterval` seconds with no job (keepalives).
    init(name: String, idleInterval: Double, onIdle: @escaping @Sendable () -> Void) {
        self.idleInterval = idleInterval
        self.onIdle = onIdle
        let thread = Thread { [self] in self.loop() }
        thread.name = "rampart-ssh-\(name)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Runs `body` on the session thread and resumes the caller's task with its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Lets the thread finish its queued jobs and exit.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            var idle = false
            while jobs.isEmpty && !stopping {
                if idleInterval > 0 {
                    if !condition.wait(until: Date(timeIntervalSinceNow: idleInterval)) { idle = true; break }
                } else {
                    condition.wait()
                }
            }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll()
            condition.unlock()
            if idle && batch.isEmpty { onIdle(); continue }
            for job in batch { job() }
        }
    }
}
