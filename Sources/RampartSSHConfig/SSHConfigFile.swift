#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RampartBasics

/// One config file with its `Include`s already read (globbed once, in glob's sorted order), so
/// resolving a host walks memory only.
struct SSHConfigFile: Sendable {
    enum Entry: Sendable {
        case line(SSHConfigLine)
        case include(SSHConfigLine, [SSHConfigFile])
    }

    /// How OpenSSH reads a file: relative `Include`s are under ~/.ssh for a user's config and
    /// /etc/ssh for the system's; `~/.ssh/config` and included files must not be writable by others.
    struct Flags: Sendable {
        var userConfig: Bool
        var checkPermissions: Bool
        /// A named (not globbed) Include that does not exist is an error rather than a warning:
        /// for a file the inventory names, which is reviewed with the project. ssh itself (and
        /// so Rampart, for a user's own ~/.ssh/config) passes over it.
        var strictIncludes = false
    }

    /// OpenSSH's READCONF_MAX_DEPTH.
    static let maximumIncludeDepth = 16

    var path: String
    var entries: [Entry]

    /// Reads `path` and what it includes. `nil` when the file does not exist (OpenSSH skips a
    /// missing ~/.ssh/config); any other problem is an error naming the file, or the line.
    static func read(_ path: String, flags: Flags, context: LocalContext, including: [String] = [],
                     ignoreUnknown: inout [String], warnings: inout [Diagnostic]) throws -> SSHConfigFile? {
        guard let text = try readText(path, flags: flags, context: context) else { return nil }
        var file = SSHConfigFile(path: path, entries: [])
        for line in try SSHConfigLexer.lines(of: text, file: path) {
            try SSHConfigSyntax.check(line, ignoreUnknown: ignoreUnknown, warnings: &warnings)
            if line.keyword == "ignoreunknown" { ignoreUnknown += line.arguments }
            guard line.keyword == "include" else { file.entries.append(.line(line)); continue }
            var included: [SSHConfigFile] = []
            for argument in line.arguments {
                let matches = try includedPaths(argument, line: line, flags: flags)
                if matches.isEmpty, !hasGlob(argument) {
                    if flags.strictIncludes {
                        throw SSHConfigError("Include \(argument): no such file", at: line.location,
                                             hint: "fix the path (relative paths are under \(flags.userConfig ? "~/.ssh" : "/etc/ssh")), or remove the Include")
                    }
                    // OpenSSH says nothing; a named file that is gone is worth a word.
                    warnings.append(.warning("Include \(argument) names a file that does not exist; nothing included",
                                             hint: "fix the path or remove the Include", at: line.location))
                }
                for match in matches {
                    let chain = including + [path]
                    guard !chain.contains(match), chain.count < maximumIncludeDepth else {
                        throw SSHConfigError("Include loop: \((chain + [match]).joined(separator: " → "))", at: line.location,
                                             hint: "remove the Include that leads back to a file already being read")
                    }
                    var nested = flags
                    nested.checkPermissions = true
                    if let child = try read(match, flags: nested, context: context, including: chain,
                                                 ignoreUnknown: &ignoreUnknown, warnings: &warnings) {
                        included.append(child)
                    }
                }
            }
            file.entries.append(.include(line, included))
        }
        return file
    }

    private static func readText(_ path: String, flags: Flags, context: LocalContext) throws -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw SSHConfigError("cannot read \(path): \(String(cString: strerror(errno)))", at: nil)
        }
        if flags.checkPermissions, (info.st_uid != 0 && info.st_uid != context.uid) || (info.st_mode & 0o022) != 0 {
            throw SSHConfigError("bad owner or permissions on \(path): OpenSSH refuses a config file that others can write",
                                 at: nil, hint: "chmod go-w \(path) (and own it yourself or by root)")
        }
        guard let handle = fopen(path, "r") else {
            throw SSHConfigError("cannot read \(path): \(String(cString: strerror(errno)))", at: nil)
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The files one `Include` argument names: anchored like OpenSSH (relative to ~/.ssh or
    /// /etc/ssh), then glob(3) with `~` expansion; no match is not an error.
    private static func includedPaths(_ argument: String, line: SSHConfigLine, flags: Flags) throws -> [String] {
        if argument.hasPrefix("~"), !flags.userConfig {
            throw SSHConfigError("Include \(argument): a system-wide config cannot include a path under ~", at: line.location,
                                 hint: "use an absolute path")
        }
        let anchored = argument.hasPrefix("/") || argument.hasPrefix("~")
            ? argument : (flags.userConfig ? "~/.ssh/" : "/etc/ssh/") + argument
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(anchored, GLOB_TILDE, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else {
            throw SSHConfigError("Include \(argument): glob failed (\(status))", at: line.location)
        }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    private static func hasGlob(_ argument: String) -> Bool { argument.contains { "*?[".contains($0) } }
}
