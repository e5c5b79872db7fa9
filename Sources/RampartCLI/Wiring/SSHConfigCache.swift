import Foundation
import RampartBasics
import RampartModel
import RampartSSHConfig

/// The run's OpenSSH client configurations, each read once (an inventory may name different
/// `ssh_config` files per group), and their warnings reported once each.
final class SSHConfigCache: @unchecked Sendable {
    let context: LocalContext
    private let report: @Sendable (Diagnostic) -> Void
    private let lock = NSLock()
    private var configs: [SSHConfig.Source: SSHConfig] = [:]
    private var resolutions: [String: ResolvedSSHConfig] = [:]
    private var reported: Set<String> = []

    init(environment: [String: String], report: @escaping @Sendable (Diagnostic) -> Void) {
        context = LocalContext.current(environment: environment)
        self.report = report
    }

    /// The configuration a host's `ssh_config` setting names: nil is ssh's own files.
    func config(for setting: String?) throws -> SSHConfig {
        let source: SSHConfig.Source
        switch setting {
        case nil: source = .standard
        case ConnectionSettings.noSSHConfig?: source = .none
        case let path?: source = .file(path)
        }
        if let cached = lock.withLock({ configs[source] }) { return cached }
        let loaded: SSHConfig
        do { loaded = try SSHConfig.load(source, context: context) } catch let error as SSHConfigError {
            throw DiagnosticError(error.diagnostic)
        }
        lock.withLock { configs[source] = loaded }
        warn(loaded.warnings)
        return loaded
    }

    /// What the configuration a host's `ssh_config` setting names says for `lookup`, resolved once
    /// per run (a target and its route both need it; every host behind a bastion needs the bastion's).
    func resolve(_ lookup: String, setting: String?) throws -> ResolvedSSHConfig {
        let key = (setting ?? "") + "\u{0}" + lookup
        if let cached = lock.withLock({ resolutions[key] }) { return cached }
        let resolved: ResolvedSSHConfig
        do { resolved = try config(for: setting).resolve(lookup) } catch let error as SSHConfigError {
            throw DiagnosticError(error.diagnostic)
        }
        lock.withLock { resolutions[key] = resolved }
        warn(resolved.warnings)
        return resolved
    }

    /// Reports each warning once per run, however many hosts share the line that caused it.
    func warn(_ warnings: [Diagnostic]) {
        let fresh = lock.withLock { warnings.filter { reported.insert($0.description).inserted } }
        fresh.forEach(report)
    }
}
