import Foundation
import RampartBasics

extension Terminal {
    /// Asks for a secret on the terminal with echo off; nil when there is no terminal.
    func promptSecret(_ prompt: String) -> Secret? {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        var saved = termios()
        tcgetattr(tty, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = "\n".withCString { Glibc.write(tty, $0, 1) }
        }
        _ = prompt.withCString { Glibc.write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != 10, byte != 13 { bytes.append(byte) }
        return Secret(String(decoding: bytes, as: UTF8.self))
    }
}

extension Terminal {
    /// Asks a question on the terminal and reads a line; the default when the answer is empty,
    /// nil at the end of input.
    func prompt(_ question: String, default value: String? = nil) -> String? {
        write(question + (value.map { " [\($0)]" } ?? "") + ": ")
        guard let line = readLine() else { return nil }
        let answer = line.trimmingCharacters(in: .whitespaces)
        return answer.isEmpty ? value : answer
    }
}
