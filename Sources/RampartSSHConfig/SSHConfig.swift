import RampartBasics

/// OpenSSH's client configuration, read once per run: the files and what they include, ready to
/// answer "what would `ssh NAME` use?" for any number of names.
public struct SSHConfig: Sendable {
    /// Which files, as ssh chooses them.
    public enum Source: Sendable, Hashable {
        /// `~/.ssh/config` (must not be writable by others), then `/etc/ssh/ssh_config`.
        case standard
        /// One file and what it includes, like `ssh -F FILE`; the system file is not read. A named
        /// Include that does not exist is an error here (the project's own file).
        case file(String)
        /// No configuration, like `ssh -F none`.
        case none
    }

    public static let userConfigPath = "~/.ssh/config"
    public static let systemConfigPath = "/etc/ssh/ssh_config"

    let files: [SSHConfigFile]
    public let context: LocalContext
    /// Problems found while reading that do not stop the run (unknown keywords, a missing Include).
    public let warnings: [Diagnostic]
    /// Runs a `Match exec` command with /bin/sh and returns its exit status.
    var runCommand: @Sendable (String) -> Int32 = ShellCommand.run

    init(files: [SSHConfigFile], context: LocalContext, warnings: [Diagnostic]) {
        self.files = files
        self.context = context
        self.warnings = warnings
    }

    public static func load(_ source: Source, context: LocalContext) throws -> SSHConfig {
        var warnings: [Diagnostic] = []
        var ignoreUnknown: [String] = []
        var files: [SSHConfigFile] = []
        switch source {
        case .none: break
        case .file(let path):
            let flags = SSHConfigFile.Flags(userConfig: true, checkPermissions: false, strictIncludes: true)
            guard let file = try SSHConfigFile.read(path, flags: flags, context: context, ignoreUnknown: &ignoreUnknown,
                                                    warnings: &warnings) else {
                throw SSHConfigError("the ssh_config file \(path) does not exist", at: nil,
                                     hint: "fix connection.ssh_config, or set it to none to read no ssh_config")
            }
            files = [file]
        case .standard:
            let user = context.homeDirectory + "/.ssh/config"
            if let file = try SSHConfigFile.read(user, flags: .init(userConfig: true, checkPermissions: true), context: context,
                                                 ignoreUnknown: &ignoreUnknown, warnings: &warnings) {
                files.append(file)
            }
            if let file = try SSHConfigFile.read(systemConfigPath, flags: .init(userConfig: false, checkPermissions: false),
                                                 context: context, ignoreUnknown: &ignoreUnknown, warnings: &warnings) {
                files.append(file)
            }
        }
        return SSHConfig(files: files, context: context, warnings: warnings)
    }

    /// What ssh would use for `name` (as typed after `ssh`), before anything on its command line.
    public func resolve(_ name: String) throws -> ResolvedSSHConfig {
        var resolver = SSHConfigResolver(config: self, name: name)
        return try resolver.resolve()
    }
}
