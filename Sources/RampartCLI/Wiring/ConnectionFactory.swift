import Foundation
import RampartBasics
import RampartModel
import RampartRemote
import RampartSSH

/// Turns inventory hosts into SSH options and opens connections: the composition root's
/// bridge between the model and the transport.
struct ConnectionFactory {
    let inventory: Inventory
    let passphrases = PassphraseSource()
    var environment = ProcessInfo.processInfo.environment

    func options(for host: Host) throws -> SSHOptions {
        let settings = inventory.connection(for: host)
        var options = SSHOptions(hostName: host.name, address: host.address)
        if let port = settings.port { options.port = port }
        if let user = settings.user { options.user = user }
        if let key = settings.key { options.identityFiles = [key] }
        if let knownHosts = settings.knownHosts { options.knownHostsFiles = [knownHosts] }
        if let mode = settings.hostKeyChecking, let policy = HostKeyPolicy(rawValue: mode) { options.hostKeyPolicy = policy }
        if let connectTimeout = settings.connectTimeout { options.connectTimeout = connectTimeout }
        if let commandTimeout = settings.commandTimeout { options.commandTimeout = commandTimeout }
        if let interval = settings.keepaliveInterval { options.keepaliveInterval = interval }
        options.become = settings.become ?? (options.user != "root")
        if let variable = settings.becomePasswordEnv {
            guard let value = environment[variable] else {
                throw RemoteError(.privilegeEscalationFailed, host: host.name,
                                  "become_password_env names \(variable), which is not set",
                                  hint: "export \(variable) before running rampart, or remove become_password_env for passwordless sudo")
            }
            options.becomePassword = Secret(value)
        }
        return options
    }

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
        do { return try await SSHConnection.connect(options, passphrases: passphrases) } catch let error as RemoteError
            where error.kind == .authenticationFailed {
            guard let bootstrap = inventory.connection(for: host).bootstrapUser, bootstrap != options.user else { throw error }
            var fallback = options
            fallback.user = bootstrap
            fallback.become = bootstrap != "root"
            return try await SSHConnection.connect(fallback, passphrases: passphrases)
        }
    }
}
