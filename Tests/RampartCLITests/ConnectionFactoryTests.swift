import Foundation
import RampartBasics
@testable import RampartCLI
import RampartLoading
import RampartModel
import RampartRemote
import RampartSSH
import RampartTestSupport
import Testing

/// How an inventory host becomes SSH options: the inventory over ssh_config over defaults, and
/// jump routes — as data, then through real sshds on loopback.
@Suite(.serialized) struct ConnectionFactoryTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-cf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func inventory(_ yaml: String, sshConfig: String) throws -> Inventory {
        try sshConfig.write(toFile: directory + "/ssh_config", atomically: true, encoding: .utf8)
        let path = directory + "/inventory.yml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try InventoryLoader(environment: [:]).load(path: path)
    }

    @Test func theInventoryBeatsSSHConfigWhichBeatsTheDefaults() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inventory = try inventory("""
        connection: { ssh_config: ssh_config, user: deploy }
        hosts:
          web1:
          web2: { address: 10.0.0.12, connection: { port: 2200 } }
          db1: { connection: { jump: none } }
          bastion: { address: 192.0.2.1 }
        """, sshConfig: """
        Host web1
          HostName 10.0.0.11
          User ignored-because-the-inventory-sets-it
          IdentityFile \(directory)/ssh_config
          ServerAliveInterval 5
          ServerAliveCountMax 2
          StrictHostKeyChecking accept-new
        Host 10.0.0.*
          Port 2222
          ProxyJump bastion
        Host db1
          ProxyJump bastion
          ProxyCommand nc %h %p
        """)
        let collected = Locked<[Diagnostic]>([])
        let factory = ConnectionFactory(inventory: inventory, environment: ["HOME": "/root"]) { d in collected.withLock { $0.append(d) } }
        let web1 = try factory.options(for: inventory.host(named: "web1")!)
        #expect(web1.address == "10.0.0.11")
        #expect(web1.user == "deploy")
        #expect(web1.port == 22) // `Host 10.0.0.*` compares with the name ssh is given (web1), not HostName
        #expect(web1.identityFiles == [directory + "/ssh_config"])
        #expect(web1.keepaliveInterval == 5 && web1.keepaliveCountMax == 2)
        #expect(web1.hostKeyPolicy == .acceptNew)
        #expect(web1.jumps.isEmpty)
        let web2 = try factory.options(for: inventory.host(named: "web2")!)
        #expect(web2.address == "10.0.0.12")
        #expect(web2.port == 2200) // the inventory's port beats `Port 2222`
        #expect(web2.route == "bastion → web2")
        #expect(web2.jumps[0].address == "192.0.2.1") // an inventory host: its address
        #expect(web2.jumps[0].user == "deploy")
        let db1 = try factory.options(for: inventory.host(named: "db1")!)
        #expect(db1.jumps.isEmpty) // `jump: none` beats ssh_config's ProxyJump
        #expect(collected.current.isEmpty)
    }

    @Test func aBastionForEveryoneIsNotItsOwnJumpHostAndLoopsAreNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inventory = try inventory("""
        connection: { ssh_config: none, jump: [bastion] }
        hosts:
          bastion: { address: 192.0.2.1 }
          web1: { address: 10.0.0.11 }
          a: { address: 10.0.0.21, connection: { jump: [b] } }
          b: { address: 10.0.0.22, connection: { jump: [a] } }
        """, sshConfig: "")
        let factory = ConnectionFactory(inventory: inventory, environment: [:]) { _ in }
        #expect(try factory.options(for: inventory.host(named: "bastion")!).jumps.isEmpty)
        #expect(try factory.options(for: inventory.host(named: "web1")!).route == "bastion → web1")
        do {
            _ = try factory.options(for: inventory.host(named: "a")!)
            Issue.record("a jump loop was accepted")
        } catch let error as DiagnosticError {
            #expect(error.description.contains("ProxyJump loop: a → b → a"), "\(error)")
        }
    }

    @Test func aProxyCommandIsWarnedOnceNamingItsLine() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inventory = try inventory("""
        connection: { ssh_config: ssh_config }
        hosts:
          web1: { address: 10.0.0.11 }
          web2: { address: 10.0.0.12 }
        """, sshConfig: "Host *\n  ProxyCommand nc %h %p\n  Tunnel yes\n  Frobnicate yes\n")
        let collected = Locked<[Diagnostic]>([])
        let factory = ConnectionFactory(inventory: inventory, environment: [:]) { d in collected.withLock { $0.append(d) } }
        for host in inventory.hosts { _ = try factory.options(for: host) }
        _ = try factory.options(for: inventory.hosts[0])
        let warnings = collected.current.map(\.description)
        #expect(warnings.filter { $0.contains("Frobnicate") }.count == 1)
        #expect(warnings.filter { $0.contains("ProxyCommand") }.count == 2) // once per host, each naming it
        #expect(warnings.allSatisfy { $0.contains("ssh_config:") })
        #expect(!warnings.contains { $0.contains("Tunnel") })
    }

    /// The real thing: `rampart`'s factory connects through a bastion described only in ssh_config.
    @Test func connectsThroughABastionFromSSHConfig() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bastion = try LoopbackSSHServer()
        let target = try LoopbackSSHServer()
        defer { bastion.stop(); target.stop() }
        try bastion.writeKnownHosts()
        try target.writeKnownHosts()
        let knownHosts = directory + "/known_hosts"
        try (String(contentsOfFile: bastion.knownHosts, encoding: .utf8) + String(contentsOfFile: target.knownHosts, encoding: .utf8))
            .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let inventory = try inventory("""
        connection: { ssh_config: ssh_config, user: root }
        hosts:
          web1:
        """, sshConfig: """
        Host web1
          HostName 127.0.0.1
          Port \(target.port)
          ProxyJump jump-alias
        Host jump-alias
          HostName 127.0.0.1
          Port \(bastion.port)
        Host *
          IdentityFile \(target.clientKey)
          IdentityFile \(bastion.clientKey)
          IdentitiesOnly yes
          UserKnownHostsFile \(knownHosts)
        """)
        let jumpHosts = JumpHosts()
        defer { jumpHosts.closeAll() }
        var factory = ConnectionFactory(inventory: inventory, environment: [:]) { _ in }
        factory.jumpHosts = jumpHosts
        let connection = try await factory.connect(named: "web1")
        let result = try await connection.run(Command("echo $SSH_CONNECTION"))
        #expect(result.stdoutText.hasSuffix(" \(target.port)\n"))
        #expect(jumpHosts.sessionCounts == ["jump-alias": 1])
        await connection.close()
    }
}

/// The sudo password: from its environment variable, or asked once for the whole run.
@Suite struct BecomePasswordTests {
    @Test func askedOnceForEveryHost() throws {
        let inventory = try InventoryLoader(environment: [:]).load(text: """
        connection: { ssh_config: none, user: deploy, become_password_env: DEPLOY_SUDO }
        hosts: { web1: { address: 10.0.0.11 }, web2: { address: 10.0.0.12 }, db1: { address: 10.0.0.21 } }
        """, path: "/tmp/inventory.yml")
        let asked = Locked(0)
        let passphrases = PassphraseSource(environment: [:], interactive: true) { _ in asked.withLock { $0 += 1 }; return "s3cret" }
        let factory = ConnectionFactory(inventory: inventory, environment: [:], passphrases: passphrases) { _ in }
        for host in inventory.hosts {
            #expect(try factory.options(for: host).becomePassword?.withRevealed { $0 } == "s3cret")
        }
        #expect(asked.current == 1)
        let noTerminal = ConnectionFactory(inventory: inventory, environment: [:],
                                           passphrases: PassphraseSource(environment: [:], interactive: false)) { _ in }
        #expect(throws: RemoteError.self) { _ = try noTerminal.options(for: inventory.hosts[0]) }
        let fromEnvironment = ConnectionFactory(inventory: inventory, environment: ["DEPLOY_SUDO": "env"]) { _ in }
        #expect(try fromEnvironment.options(for: inventory.hosts[0]).becomePassword?.withRevealed { $0 } == "env")
    }
}
