#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import RampartBasics

/// One host's walk over the files, as ssh's readconf.c does it: `Host` patterns compare with the
/// name as typed (case-sensitive), `Match host` with the HostName so far (lowercased); the first
/// value of each keyword wins, IdentityFile accumulates; `Match final` (or CanonicalizeHostname)
/// asks for a second pass in which `Host` compares with the final host name.
struct SSHConfigResolver {
    let config: SSHConfig
    let name: String
    var context: LocalContext { config.context }

    private var finalPass = false
    /// What `Host` patterns compare with: the name, then in the final pass the host name.
    private var hostForPatterns: String
    private var first: [String: SSHConfigLine] = [:]
    private var identityLines: [SSHConfigLine] = []
    private var proxyLine: SSHConfigLine?
    private var wantsFinalPass = false

    init(config: SSHConfig, name: String) {
        self.config = config
        self.name = name
        hostForPatterns = name
    }

    mutating func resolve() throws -> ResolvedSSHConfig {
        for file in config.files { var active = true; try walk(file, active: &active, neverMatch: false) }
        let host = try finalHostName()
        let canonicalize = first["canonicalizehostname"].map { !SSHConfigKeyword.offValues.contains($0.arguments[0].lowercased()) } ?? false
        if wantsFinalPass || canonicalize {
            finalPass = true
            hostForPatterns = host
            for file in config.files { var active = true; try walk(file, active: &active, neverMatch: false) }
        }
        return try result(hostName: host)
    }

    // MARK: walking the files

    private mutating func walk(_ file: SSHConfigFile, active: inout Bool, neverMatch: Bool) throws {
        for entry in file.entries {
            switch entry {
            case .include(_, let children):
                for child in children {
                    var childActive = active
                    try walk(child, active: &childActive, neverMatch: neverMatch || !active)
                }
            case .line(let line):
                switch line.keyword {
                case "host": active = !neverMatch && hostMatches(line.arguments)
                case "match":
                    let matched = try matches(try MatchCriteria.parse(line), line: line)
                    active = !neverMatch && matched
                default: if active { record(line) }
                }
            }
        }
    }

    private func hostMatches(_ patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            let negated = pattern.hasPrefix("!")
            if HostPattern.matches(hostForPatterns, negated ? String(pattern.dropFirst()) : pattern) {
                if negated { return false }
                matched = true
            }
        }
        return matched
    }

    private mutating func matches(_ match: MatchCriteria, line: SSHConfigLine) throws -> Bool {
        if match.wantsFinalPass { wantsFinalPass = true }
        let host = try hostForMatch().lowercased()
        var result = true
        for criterion in match.criteria {
            let matched: Bool
            switch criterion.attribute {
            case .all: return result && !criterion.negated
            case .canonical, .final: matched = finalPass
            case .host: matched = HostPattern.matchList(host, criterion.argument!, lowercasePatterns: true) == .matched
            case .originalhost:
                matched = HostPattern.matchList(name.lowercased(), criterion.argument!, lowercasePatterns: true) == .matched
            case .user: matched = HostPattern.matchList(remoteUser, criterion.argument!, lowercasePatterns: false) == .matched
            case .localuser:
                matched = HostPattern.matchList(context.userName, criterion.argument!, lowercasePatterns: false) == .matched
            case .exec:
                // Like ssh: not run once an earlier criterion on the line has failed.
                guard result else { continue }
                let command = try TokenExpansion.percent(criterion.argument!, tokens(host: host), line: line, keyword: "Match exec")
                matched = config.runCommand(command) == 0
            }
            if matched == criterion.negated { result = false }
        }
        return result
    }

    private mutating func record(_ line: SSHConfigLine) {
        switch line.keyword {
        case "identityfile":
            if !identityLines.contains(where: { $0.arguments == line.arguments }) { identityLines.append(line) }
        case "proxyjump", "proxycommand":
            if proxyLine == nil { proxyLine = line }
        case _ where ["connecttimeout", "serveraliveinterval"].contains(line.keyword) && line.arguments[0].lowercased() == "none":
            break // ssh keeps these unset for `none`, so a later block's value still wins
        case "hostname" where finalPass:
            break // fixed before the final pass
        default:
            if first[line.keyword] == nil { first[line.keyword] = line }
        }
    }

    // MARK: values so far

    private var remoteUser: String { first["user"]?.arguments.first ?? context.userName }
    private var port: Int { (first["port"].flatMap { try? SSHConfigSyntax.port($0) }) ?? ResolvedSSHConfig.defaultPort }

    private func hostForMatch() throws -> String {
        if finalPass { return hostForPatterns }
        guard let line = first["hostname"] else { return name }
        return try TokenExpansion.percent(line.arguments[0], ["h": name], line: line, keyword: "HostName")
    }

    /// HostName with `%h`, lowercased unless it is an address (as ssh.c does before connecting).
    private func finalHostName() throws -> String {
        let host = try hostForMatch()
        return TokenExpansion.isAddress(host) ? host : host.lowercased()
    }

    private func tokens(host: String) -> [Character: String] {
        let thisHost = context.hostName
        let shortHost = String(thisHost.prefix { $0 != "." })
        let portText = String(port)
        let hash = Insecure.SHA1.hash(data: Array((thisHost + host + portText + remoteUser).utf8))
        return [
            "C": hash.map { String(format: "%02x", $0) }.joined(), "L": shortHost, "d": context.homeDirectory, "h": host,
            "i": String(context.uid), "k": first["hostkeyalias"]?.arguments.first ?? name, "l": thisHost, "n": name,
            "p": portText, "r": remoteUser, "u": context.userName,
        ]
    }

    // MARK: the result

    private func result(hostName host: String) throws -> ResolvedSSHConfig {
        var resolved = ResolvedSSHConfig(name: name, hostName: host)
        let tokens = tokens(host: host)
        func path(_ text: String, _ line: SSHConfigLine) throws -> String {
            try TokenExpansion.path(text, tokens: tokens, context: context, line: line)
        }
        for (keyword, line) in first { resolved.origins[keyword] = line.location }
        resolved.user = first["user"]?.arguments[0]
        if let line = first["port"] { resolved.port = try SSHConfigSyntax.port(line) }
        for line in identityLines {
            resolved.identityFilesAsWritten.append(line.arguments[0])
            resolved.identityFiles.append(try path(line.arguments[0], line))
        }
        if let line = identityLines.first { resolved.origins["identityfile"] = line.location }
        if let line = first["identitiesonly"] { resolved.identitiesOnly = try SSHConfigSyntax.flag(line) }
        if let line = first["identityagent"] { resolved.identityAgent = try identityAgent(line, tokens: tokens) }
        if let line = first["userknownhostsfile"] {
            resolved.userKnownHostsFiles = line.arguments == ["none"] ? [] : try line.arguments.map { try path($0, line) }
        }
        if let line = first["globalknownhostsfile"] {
            resolved.globalKnownHostsFiles = line.arguments == ["none"] ? [] : line.arguments
        }
        if let line = first["stricthostkeychecking"] { resolved.strictHostKeyChecking = try SSHConfigSyntax.hostKeyChecking(line) }
        if let line = first["connecttimeout"] { resolved.connectTimeout = try SSHConfigSyntax.seconds(line) }
        if let line = first["serveraliveinterval"] { resolved.serverAliveInterval = try SSHConfigSyntax.seconds(line) }
        if let line = first["serveralivecountmax"] { resolved.serverAliveCountMax = try SSHConfigSyntax.count(line) }
        if let line = proxyLine {
            resolved.origins[line.keyword] = line.location
            if line.keyword == "proxyjump" {
                let value = line.arguments[0]
                if value.lowercased() == "none" {
                    resolved.proxyJump = []
                } else {
                    let chain = try Self.chain(value, line: line)
                    resolved.proxyJump = chain
                    // ssh -G's spelling: the earlier hops as written, the last one rebuilt.
                    let earlier = value.range(of: ",", options: .backwards).map { String(value[..<$0.lowerBound]) + "," } ?? ""
                    resolved.proxyJumpAsWritten = earlier + chain[chain.count - 1].description
                }
            } else if line.arguments.first?.lowercased() != "none" {
                resolved.warnings.append(warning(for: line, why: SSHConfigKeyword.changesConnecting["proxycommand"]!))
            }
        }
        for (keyword, line) in first.sorted(by: { $0.key < $1.key }) {
            guard let why = SSHConfigKeyword.changesConnecting[keyword], keyword != "proxycommand",
                  !SSHConfigKeyword.offValues.contains(line.arguments[0].lowercased()) else { continue }
            resolved.warnings.append(warning(for: line, why: why))
        }
        return resolved
    }

    private func warning(for line: SSHConfigLine, why: String) -> Diagnostic {
        .warning("\(name): ssh_config sets \(line.spelled), which Rampart does not follow: \(why)",
                 hint: "set what Rampart needs in the inventory's connection settings, or move \(line.spelled) to a block that does not match \(name)",
                 at: line.location)
    }

    private func identityAgent(_ line: SSHConfigLine, tokens: [Character: String]) throws -> IdentityAgent {
        let value = line.arguments[0]
        if value.lowercased() == "none" { return .none }
        if value == "SSH_AUTH_SOCK" { return .environment }
        if value.hasPrefix("$"), !value.hasPrefix("${") { return .variable(String(value.dropFirst())) }
        return .socket(try TokenExpansion.path(value, tokens: tokens, context: context, line: line))
    }

    /// A ProxyJump chain, first hop first (as written, left to right).
    static func chain(_ value: String, line: SSHConfigLine) throws -> [JumpSpec] {
        try value.split(separator: ",", omittingEmptySubsequences: false).map { hop in
            guard let spec = JumpSpec.parse(String(hop)) else {
                throw SSHConfigError("ProxyJump \(value): '\(hop)' is not [user@]host[:port]", at: line.location,
                                     hint: "separate hops with commas, e.g. ProxyJump admin@bastion:2222,inner")
            }
            return spec
        }
    }
}
