import RampartBasics

/// One meaningful line of an ssh_config file: `Keyword value…` or `Keyword=value…`, split the way
/// OpenSSH's `argv_split` does (double and single quotes, `\` before a quote, space or `\`, and an
/// unquoted `#` starting a comment).
struct SSHConfigLine: Sendable {
    /// Lowercased, as OpenSSH compares keywords.
    var keyword: String
    /// As written, for messages.
    var spelled: String
    var arguments: [String]
    /// Everything after the keyword, unsplit (ProxyCommand keeps it whole).
    var rest: String
    var location: SourceLocation

    /// The line's one argument; more than one is an error, as in OpenSSH ("garbage at end of line").
    func single() throws -> String {
        guard arguments.count == 1 else {
            throw SSHConfigError("\(spelled) takes one value, got \(arguments.count)", at: location,
                                 hint: "quote a value that contains spaces: \(spelled) \"\(arguments.joined(separator: " "))\"")
        }
        return arguments[0]
    }
}

/// A problem in a config file, with its file:line.
public struct SSHConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostic: Diagnostic
    public init(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostic = .error(message, hint: hint, at: location)
    }
    public var description: String { diagnostic.description }
}

enum SSHConfigLexer {
    /// The meaningful lines of `text`; blank and comment lines are skipped, bad quoting is an error.
    static func lines(of text: String, file: String) throws -> [SSHConfigLine] {
        var lines: [SSHConfigLine] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let line = try line(Substring(raw), file: file, number: index + 1) { lines.append(line) }
        }
        return lines
    }

    static func line(_ raw: Substring, file: String, number: Int) throws -> SSHConfigLine? {
        let whitespace: Set<Character> = [" ", "\t", "\r", "\u{0C}"]
        var text = raw
        while let last = text.last, whitespace.contains(last) { text.removeLast() }
        while let first = text.first, whitespace.contains(first) { text.removeFirst() }
        guard let first = text.first, first != "#" else { return nil }
        let keywordEnd = text.firstIndex { whitespace.contains($0) || $0 == "=" } ?? text.endIndex
        let keyword = String(text[..<keywordEnd])
        var rest = text[keywordEnd...]
        while let c = rest.first, whitespace.contains(c) { rest.removeFirst() }
        if rest.first == "=" { rest.removeFirst() }
        while let c = rest.first, whitespace.contains(c) { rest.removeFirst() }
        let location = SourceLocation(file: file, line: number, column: 1)
        guard !rest.isEmpty else {
            throw SSHConfigError("no value after \(keyword)", at: location, hint: "write `\(keyword) VALUE`, or delete the line")
        }
        guard let arguments = split(rest) else {
            throw SSHConfigError("unbalanced quotes in the value of \(keyword)", at: location, hint: "close the quote")
        }
        return SSHConfigLine(keyword: keyword.lowercased(), spelled: keyword, arguments: arguments, rest: String(rest),
                             location: location)
    }

    /// OpenSSH's argv_split with terminate_on_comment; nil when a quote is not closed.
    static func split(_ s: Substring) -> [String]? {
        var arguments: [String] = []
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            if chars[i] == " " || chars[i] == "\t" { i += 1; continue }
            if chars[i] == "#" { break }
            var argument = ""
            var quote: Character?
            while i < chars.count {
                let c = chars[i]
                if c == "\\", i + 1 < chars.count,
                   ["'", "\"", "\\"].contains(chars[i + 1]) || (quote == nil && chars[i + 1] == " ") {
                    i += 1
                    argument.append(chars[i])
                } else if quote == nil, c == " " || c == "\t" {
                    break
                } else if quote == nil, c == "\"" || c == "'" {
                    quote = c
                } else if let q = quote, c == q {
                    quote = nil
                } else {
                    argument.append(c)
                }
                i += 1
            }
            if quote != nil { return nil }
            arguments.append(argument)
        }
        return arguments
    }
}
