/// A `mode` as written: octal permission bits (`"0644"`) or chmod's symbolic clauses
/// (`"u+x"`, `"go-w"`, `"u=rw,go=r"`, `"a+X"`). A symbolic mode changes the bits the file has
/// (a new file's default when it has none yet), as `chmod` does, without the umask.
public enum FileMode {
    /// Why `text` is neither an octal mode nor symbolic clauses; nil when it is one.
    public static func problem(_ text: String) -> String? {
        if isOctal(text) { return nil }
        return clauses(text) == nil ? "must be octal permission bits like \"0644\" or chmod's symbolic clauses like \"u+x,go-w\"" : nil
    }

    public static func isOctal(_ text: String) -> Bool { (3...4).contains(text.count) && text.allSatisfy { ("0"..."7").contains($0) } }

    /// Four octal digits: an octal mode as such, a symbolic one applied to `current` (or to
    /// `fallback` for a file that does not exist yet).
    public static func resolve(_ text: String, current: String?, fallback: String, isDirectory: Bool) -> String {
        if isOctal(text) { return text.count == 3 ? "0" + text : text }
        var mode = Int(current ?? fallback, radix: 8) ?? 0
        for clause in clauses(text) ?? [] { mode = clause.apply(to: mode, isDirectory: isDirectory) }
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    struct Clause {
        var who: Int
        var operations: [(op: Character, perms: String)]

        func apply(to start: Int, isDirectory: Bool) -> Int {
            var mode = start
            for (op, perms) in operations {
                var bits = 0
                for p in perms {
                    switch p {
                    case "r": bits |= 0o444
                    case "w": bits |= 0o222
                    case "x": bits |= 0o111
                    case "X": if isDirectory || mode & 0o111 != 0 { bits |= 0o111 }
                    case "s": bits |= 0o6000
                    case "t": bits |= 0o1000
                    default: break
                    }
                }
                bits &= who
                switch op {
                case "+": mode |= bits
                case "-": mode &= ~bits
                default: mode = (mode & ~who) | bits  // "="
                }
            }
            return mode
        }
    }

    /// `[ugoa]*([-+=][rwxXst]*)+`, comma-separated; nil when it is not that.
    static func clauses(_ text: String) -> [Clause]? {
        guard !text.isEmpty else { return nil }
        var result: [Clause] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            var who = 0
            var rest = Substring(part)
            while let c = rest.first, "ugoa".contains(c) {
                switch c {
                case "u": who |= 0o4700
                case "g": who |= 0o2070
                case "o": who |= 0o1007
                default: who |= 0o7777
                }
                rest = rest.dropFirst()
            }
            if who == 0 { who = 0o7777 }
            var operations: [(Character, String)] = []
            while let op = rest.first {
                guard "+-=".contains(op) else { return nil }
                rest = rest.dropFirst()
                let perms = rest.prefix { "rwxXst".contains($0) }
                rest = rest.dropFirst(perms.count)
                operations.append((op, String(perms)))
            }
            guard !operations.isEmpty else { return nil }
            result.append(Clause(who: who, operations: operations))
        }
        return result
    }
}
