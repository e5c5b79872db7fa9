import Foundation
import RampartBasics
import RampartRemote
import Testing

struct ShellQuotingTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("/etc/nginx/nginx.conf", "/etc/nginx/nginx.conf"),
        ("", "''"),
        ("two words", "'two words'"),
        ("it's", "'it'\\''s'"),
        ("$HOME", "'$HOME'"),
        ("a;rm -rf /", "'a;rm -rf /'"),
        ("new\nline", "'new\nline'"),
    ])
    func quotes(input: String, expected: String) {
        #expect(ShellQuoting.quote(input) == expected)
    }

    @Test func quotedWordsSurviveARealShellByteForByte() throws {
        let words = ["it's", "$(id)", "a b", "\\", "*", "tab\there", "ünïcode", "\"dq\""]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "printf '%s\\0' " + ShellQuoting.join(words)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let parts = output.split(separator: 0, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(parts == words)
    }
}

struct BecomeTests {
    @Test func passwordGoesToStdinNeverIntoTheScript() {
        let become = Become(password: Secret("hunter2"))
        let wrapped = become.wrap(Command("cat > /etc/x", stdin: Array("data".utf8)))
        #expect(!wrapped.script.contains("hunter2"))
        #expect(wrapped.script == "sudo -S -p '' -H -- sh -c 'cat > /etc/x'")
        #expect(wrapped.stdin == Array("hunter2\ndata".utf8))
        #expect(!wrapped.display.contains("hunter2"))
    }

    @Test func withoutPasswordSudoNeverPrompts() {
        let wrapped = Become(password: nil).wrap(Command("id -un"))
        #expect(wrapped.script == "sudo -n -H -- sh -c 'id -un'")
        #expect(wrapped.stdin.isEmpty)
    }

    @Test func secretsPrintAsSensitiveEverywhere() throws {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "(sensitive)")
        #expect(String(reflecting: secret) == "(sensitive)")
        let json = try JSONEncoder().encode(["password": secret])
        #expect(!String(decoding: json, as: UTF8.self).contains("hunter2"))
        #expect(Become(password: secret).probe().script.contains("hunter2") == false)
    }
}
