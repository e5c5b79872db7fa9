#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `~`, `${VAR}` and `%x` in ssh_config values, as OpenSSH's tilde_expand_filename and
/// percent_dollar_expand do them: an unknown `%x` or an unset variable is an error.
enum TokenExpansion {
    static func path(_ text: String, tokens: [Character: String], context: LocalContext, line: SSHConfigLine) throws -> String {
        try percent(try dollar(try tilde(text, context: context, line: line), context: context, line: line),
                    tokens, line: line, keyword: line.spelled)
    }

    static func tilde(_ text: String, context: LocalContext, line: SSHConfigLine) throws -> String {
        guard text.hasPrefix("~") else { return text }
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        let user = String(text[text.index(after: text.startIndex)..<slash])
        let home: String
        if user.isEmpty {
            home = context.homeDirectory
        } else {
            guard let other = context.homeDirectory(of: user) else {
                throw SSHConfigError("\(line.spelled) \(text): no local user '\(user)'", at: line.location)
            }
            home = other
        }
        let rest = text[slash...]
        return (home == "/" && rest.hasPrefix("/") ? "" : home) + rest
    }

    static func dollar(_ text: String, context: LocalContext, line: SSHConfigLine) throws -> String {
        var output = "", rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw SSHConfigError("\(line.spelled) \(text): ${ without }", at: line.location)
            }
            let variable = String(rest[start.upperBound..<end])
            guard let value = context.environment[variable] else {
                throw SSHConfigError("\(line.spelled) \(text): environment variable \(variable) is not set", at: line.location,
                                     hint: "export \(variable) before running rampart")
            }
            output += value
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }

    static func percent(_ text: String, _ tokens: [Character: String], line: SSHConfigLine, keyword: String) throws -> String {
        var output = "", iterator = text.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else { output.append(c); continue }
            guard let key = iterator.next() else {
                throw SSHConfigError("\(keyword) \(text) ends with a lone %", at: line.location, hint: "write %% for a literal %")
            }
            if key == "%" { output.append("%"); continue }
            guard let value = tokens[key] else {
                let known = tokens.keys.sorted().map { "%\($0)" }.joined(separator: " ")
                throw SSHConfigError("\(keyword) \(text): %\(key) is not a token here", at: line.location,
                                     hint: "tokens here: \(known) and %%")
            }
            output += value
        }
        return output
    }

    /// An IPv4 or IPv6 literal, which ssh does not lowercase.
    static func isAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
