#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RampartBasics

/// Load-time checks, as OpenSSH makes them while reading a file (every line, matched or not):
/// values that do not parse are errors at file:line; unknown keywords are warnings.
enum SSHConfigSyntax {
    static func check(_ line: SSHConfigLine, ignoreUnknown: [String], warnings: inout [Diagnostic]) throws {
        switch line.keyword {
        case "host":
            if line.arguments.isEmpty || line.arguments.contains(where: { $0.isEmpty || $0 == "!" }) {
                throw SSHConfigError("Host needs one or more patterns", at: line.location, hint: "write `Host NAME-OR-PATTERN …`")
            }
        case "match": _ = try MatchCriteria.parse(line)
        case "port": _ = try port(line)
        case "connecttimeout", "serveraliveinterval": _ = try seconds(line)
        case "serveralivecountmax": _ = try count(line)
        case "identitiesonly": _ = try flag(line)
        case "stricthostkeychecking": _ = try hostKeyChecking(line)
        case "hostname", "user", "identityfile", "identityagent": _ = try line.single()
        case "proxyjump":
            // Like ssh, words after the first are dropped; the chain itself must parse.
            if line.arguments[0].lowercased() != "none" { _ = try SSHConfigResolver.chain(line.arguments[0], line: line) }
        case _ where SSHConfigKeyword.used.contains(line.keyword) || SSHConfigKeyword.ignored.contains(line.keyword)
                    || SSHConfigKeyword.changesConnecting[line.keyword] != nil:
            break
        default:
            if ignoreUnknown.contains(where: { HostPattern.matchList(line.keyword, $0, lowercasePatterns: true) == .matched }) { break }
            warnings.append(.warning("\(line.spelled) is not an OpenSSH 9.2 client keyword; Rampart ignores it",
                                     hint: "check the spelling (see ssh_config(5)), or list it in IgnoreUnknown", at: line.location))
        }
    }

    /// 1–65535 or a service name from /etc/services, as OpenSSH's a2port.
    static func port(_ line: SSHConfigLine) throws -> Int {
        let text = try line.single()
        let service = Int(text) == nil ? getservbyname(text, "tcp").map { Int(UInt16(bigEndian: UInt16(truncatingIfNeeded: $0.pointee.s_port))) } : nil
        guard let value = Int(text) ?? service, (1...65535).contains(value) else {
            throw SSHConfigError("Port \(text) is not a port number (1-65535)", at: line.location)
        }
        return value
    }

    /// OpenSSH's time format (`30`, `1m30s`, `2h`); `none` is nil.
    static func seconds(_ line: SSHConfigLine) throws -> Int? {
        let text = try line.single()
        if text.lowercased() == "none" { return nil }
        guard let value = convtime(text) else {
            throw SSHConfigError("\(line.spelled) \(text) is not a time", at: line.location,
                                 hint: "seconds, or a number with s, m, h, d or w, such as 1m30s")
        }
        return value
    }

    static func convtime(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
        var total = 0, number = "", sawDigit = false
        for c in text {
            if c.isASCII, c.isNumber { number.append(c); sawDigit = true; continue }
            guard let unit = units[Character(c.lowercased())], let n = Int(number) else { return nil }
            total += n * unit
            number = ""
        }
        if !number.isEmpty { guard let n = Int(number) else { return nil }; total += n }
        return sawDigit && total <= Int(Int32.max) ? total : nil
    }

    static func count(_ line: SSHConfigLine) throws -> Int {
        let text = try line.single()
        guard let value = Int(text), value >= 0 else {
            throw SSHConfigError("\(line.spelled) \(text) is not a count", at: line.location)
        }
        return value
    }

    static func flag(_ line: SSHConfigLine) throws -> Bool {
        switch try line.single().lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw SSHConfigError("\(line.spelled) takes yes or no", at: line.location)
        }
    }

    static func hostKeyChecking(_ line: SSHConfigLine) throws -> StrictHostKeyChecking {
        switch try line.single().lowercased() {
        case "yes", "true": return .yes
        case "no", "false", "off": return .no
        case "ask": return .ask
        case "accept-new": return .acceptNew
        default: throw SSHConfigError("StrictHostKeyChecking takes yes, accept-new, no or ask", at: line.location)
        }
    }
}
