/// POSIX sh quoting: the one way Rampart turns a word into shell text.
public enum ShellQuoting {
    /// Quotes `word` for `sh` so it reaches the program as one argument, byte for byte.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy(isSafe) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Joins words into a command line, quoting each.
    public static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-_./=:,+@%".utf8.contains(byte)
        }
    }
}
