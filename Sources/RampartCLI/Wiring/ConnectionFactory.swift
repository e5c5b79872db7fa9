import Foundation
import RampartBasics
import RampartModel
import RampartRemote
import RampartSSH
import RampartSSHConfig

/// Turns inventory hosts into SSH options and opens connections: the composition root's
/// bridge between the model and the transport.
///
/// Precedence, per setting (docs/ssh.md): what the inventory sets (host beats group beats the
/// inventory's defaults) wins; then OpenSSH's client configuration for the name ssh would be
/// given (the host's `address`, or its name when it has none); then Rampart's defaults. Jump
/// hosts that are inventory hosts connect with their inventory settings; any other jump host
/// connects as `ssh` would (ssh_config, then OpenSSH's defaults).
struct ConnectionFactory {
    let inventory: Inventory
    let passphrases: PassphraseSource
    var environment = ProcessInfo.processInfo.environment
    let sshConfigs: SSHConfigCache
    var jumpHosts: JumpHosts = .shared

    init(inventory: Inventory, environment: [String: String] = ProcessInfo.processInfo.environment,
         passphrases: PassphraseSource? = nil,
         report: @escaping @Sendable (Diagnostic) -> Void = { Diagnostics.print($0) }) {
        self.inventory = inventory
        self.environment = environment
        self.passphrases = passphrases ?? PassphraseSource(environment: environment)
        sshConfigs = SSHConfigCache(environment: environment, report: report)
    }

    func options(for host: Host) throws -> SSHOptions {
        let settings = inventory.connection(for: host)
        var options = try sshOptions(name: host.name, lookup: host.address, settings: settings)
        options.become = settings.become ?? (options.user != "root")
        if let variable = settings.becomePasswordEnv {
            // Asked once per run on a terminal when the variable is not set, not once per host.
            guard let value = passphrases.secret(named: variable, prompt: "sudo password for \(options.user) (\(variable) is not set): ") else {
                throw RemoteError(.privilegeEscalationFailed, host: host.name,
                                  "become_password_env names \(variable), which is not set",
                                  hint: "export \(variable) before running rampart (or run it on a terminal to be asked once), or remove become_password_env for passwordless sudo")
            }
            options.becomePassword = value
        }
        options.jumps = try jumps(to: host.name, lookup: host.address, settings: settings)
        return options
    }

    /// The transport settings for one name: ssh_config under the inventory's explicit settings.
    private func sshOptions(name: String, lookup: String, settings: ConnectionSettings) throws -> SSHOptions {
        let resolved = try resolve(lookup, setting: settings.sshConfig, for: name)
        let context = sshConfigs.context
        var options = SSHOptions(hostName: name, address: resolved.hostName)
        options.port = settings.port ?? resolved.port ?? ResolvedSSHConfig.defaultPort
        options.user = settings.user ?? resolved.user ?? context.userName
        if let key = settings.key {
            options.identityFiles = [key]
        } else {
            // ssh skips IdentityFiles that do not exist; none left means the default keys.
            options.identityFiles = resolved.identityFiles.filter { FileManager.default.fileExists(atPath: $0) }
        }
        options.useAgent = resolved.identitiesOnly != true
        switch resolved.identityAgent {
        case .none?: options.useAgent = false
        case .socket(let path)?: options.agentSocket = path
        case .variable(let variable)?:
            if let path = environment[variable], !path.isEmpty { options.agentSocket = path } else { options.useAgent = false }
        case .environment?, nil: break
        }
        if let knownHosts = settings.knownHosts {
            options.knownHostsFiles = [knownHosts]
        } else {
            options.knownHostsFiles = (resolved.userKnownHostsFiles ?? ResolvedSSHConfig.defaultUserKnownHostsFiles(home: context.homeDirectory))
                + (resolved.globalKnownHostsFiles ?? ResolvedSSHConfig.defaultGlobalKnownHostsFiles)
        }
        if let mode = settings.hostKeyChecking, let policy = HostKeyPolicy(rawValue: mode) {
            options.hostKeyPolicy = policy
        } else if let checking = resolved.strictHostKeyChecking {
            // `ask` has nobody to ask: strict. `no` accepts anything, as ssh does (warned loudly).
            options.hostKeyPolicy = [.acceptNew: .acceptNew, .no: .off][checking] ?? .strict
        }
        if let timeout = settings.connectTimeout ?? resolved.connectTimeout.flatMap({ $0 > 0 ? Double($0) : nil }) {
            options.connectTimeout = timeout
        }
        if let commandTimeout = settings.commandTimeout { options.commandTimeout = commandTimeout }
        if let interval = settings.keepaliveInterval ?? resolved.serverAliveInterval.flatMap({ $0 > 0 ? $0 : nil }) {
            options.keepaliveInterval = interval
        }
        if let count = resolved.serverAliveCountMax, count > 0 { options.keepaliveCountMax = count }
        return options
    }

    private func resolve(_ lookup: String, setting: String?, for name: String) throws -> ResolvedSSHConfig {
        do { return try sshConfigs.resolve(lookup, setting: setting) } catch let error as DiagnosticError {
            throw Self.naming(name, error.diagnostics)
        }
    }

    /// A problem in ssh_config, said of the host that ran into it.
    private static func naming(_ host: String, _ diagnostics: [Diagnostic]) -> DiagnosticError {
        DiagnosticError(diagnostics.map { diagnostic in
            var named = diagnostic
            named.host = host
            return named
        })
    }

    // MARK: - Jump hosts

    /// The hops to `name`, each with its own options (and, in them, the hops before it).
    private func jumps(to name: String, lookup: String, settings: ConnectionSettings) throws -> [SSHOptions] {
        let specs: [JumpSpec]
        do {
            specs = try JumpRoute.hops(to: name) { current in
                try ownJumps(of: current, target: (name, lookup, settings))
            }
        } catch let error as SSHConfigError {
            throw Self.naming(name, [error.diagnostic])
        }
        var hops: [SSHOptions] = []
        for spec in specs {
            var hop = try hopOptions(spec, settings: settings)
            hop.jumps = hops
            hops.append(hop)
        }
        return hops
    }

    /// A host's own jump chain: `connection.jump` in the inventory, else ssh_config's ProxyJump.
    private func ownJumps(of current: String, target: (name: String, lookup: String, settings: ConnectionSettings))
        throws -> (chain: [JumpSpec], origin: SourceLocation?)? {
        let host = current == target.name ? inventory.host(named: target.name) : inventoryHost(current)
        let settings = host.map { inventory.connection(for: $0) } ?? target.settings
        let lookup = current == target.name ? target.lookup : host?.address ?? current
        // An inventory host's own `jump` (a jump host outside the inventory has only ssh_config).
        let explicit: [String]? = host != nil || current == target.name ? settings.jump : nil
        if let explicit {
            var chain = try explicit.map { hop -> JumpSpec in
                guard let spec = JumpSpec.parse(hop) else {
                    throw SSHConfigError("connection.jump of \(current): '\(hop)' is not [user@]host[:port]", at: nil,
                                         hint: "write an inventory host's name or [user@]host[:port]")
                }
                return spec
            }
            // `jump: [bastion]` for every host means "through the bastion", not for the bastion
            // itself: a chain is cut where it names the host it leads to.
            if let own = chain.firstIndex(where: { $0.host == current || $0.host == host?.address }) {
                chain = Array(chain[..<own])
            }
            return (chain, nil)
        }
        let resolved = try resolve(lookup, setting: settings.sshConfig, for: current)
        return resolved.proxyJump.map { ($0, resolved.origins["proxyjump"] ?? resolved.origins["proxycommand"]) }
    }

    /// An inventory host by name, or else by address.
    private func inventoryHost(_ name: String) -> Host? {
        inventory.host(named: name) ?? inventory.hosts.first { $0.address == name }
    }

    private func hopOptions(_ spec: JumpSpec, settings: ConnectionSettings) throws -> SSHOptions {
        var hop: SSHOptions
        if let host = inventoryHost(spec.host) {
            let own = inventory.connection(for: host)
            hop = try sshOptions(name: host.name, lookup: host.address, settings: own)
            hop.bootstrapUser = own.bootstrapUser
        } else {
            // Not in the inventory: only its ssh_config (the target's files) says how to reach it.
            hop = try sshOptions(name: spec.host, lookup: spec.host, settings: ConnectionSettings(sshConfig: settings.sshConfig))
        }
        if let user = spec.user { hop.user = user }
        if let port = spec.port { hop.port = port }
        return hop
    }

    // MARK: - Connecting

    /// Connects to the inventory host called `name`.
    func connect(named name: String) async throws -> SSHConnection {
        guard let host = inventory.host(named: name) else {
            throw DiagnosticError(.error("'\(name)' is not a host of the inventory", host: name))
        }
        return try await connect(host)
    }

    /// Connects as the inventory's user; if the server refuses that user and a `bootstrap_user`
    /// is set (a fresh server), as the bootstrap user instead — sudo unless it is root.
    func connect(_ host: Host) async throws -> SSHConnection {
        let options = try options(for: host)
        do { return try await SSHConnection.connect(options, passphrases: passphrases, jumpHosts: jumpHosts) } catch let error as RemoteError
            where error.kind == .authenticationFailed && error.host == host.name {
            guard let bootstrap = inventory.connection(for: host).bootstrapUser, bootstrap != options.user else { throw error }
            var fallback = options
            fallback.user = bootstrap
            fallback.become = bootstrap != "root"
            return try await SSHConnection.connect(fallback, passphrases: passphrases, jumpHosts: jumpHosts)
        }
    }
}
