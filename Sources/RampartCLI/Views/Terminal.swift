import Foundation

/// Serialises writes from many host tasks so lines never interleave mid-line.
final class Terminal: @unchecked Sendable {
    static let shared = Terminal()
    private let lock = NSLock()
    let colors: Bool = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    func write(_ text: String, error: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        (error ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
    }

    func paint(_ text: String, _ code: String) -> String { colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func green(_ text: String) -> String { paint(text, "32") }
    func red(_ text: String) -> String { paint(text, "31") }
}
