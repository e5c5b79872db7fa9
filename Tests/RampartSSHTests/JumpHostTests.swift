import Foundation
import RampartBasics
import RampartRemote
import RampartSSH
import RampartTestSupport
import Testing

/// ProxyJump through real OpenSSH servers on loopback: a bastion's direct-tcpip channels carry
/// the targets' own SSH sessions (their host keys checked end to end).
@Suite(.serialized) struct JumpHostTests {
    struct Fleet {
        let servers: [LoopbackSSHServer]
        func stop() { servers.forEach { $0.stop() } }
    }

    func servers(_ count: Int, bastionConfig: String = "") throws -> Fleet {
        var servers: [LoopbackSSHServer] = []
        for index in 0..<count {
            let server = try LoopbackSSHServer(extraConfig: index == 0 ? bastionConfig : "")
            try server.writeKnownHosts()
            servers.append(server)
        }
        return Fleet(servers: servers)
    }

    @Test func targetsBehindOneBastionShareItsSession() async throws {
        let fleet = try servers(3)
        defer { fleet.stop() }
        let jumpHosts = JumpHosts()
        defer { jumpHosts.closeAll() }
        let bastion = fleet.servers[0].options(hostName: "bastion")
        var connections: [SSHConnection] = []
        for (index, server) in fleet.servers.dropFirst().enumerated() {
            var options = server.options(hostName: "web\(index + 1)")
            options.jumps = [bastion]
            connections.append(try await SSHConnection.connect(options, jumpHosts: jumpHosts))
        }
        for (index, connection) in connections.enumerated() {
            // Each target answers as itself: its sshd's port shows in SSH_CONNECTION.
            let result = try await connection.run(Command("echo $SSH_CONNECTION"))
            #expect(result.stdoutText.hasSuffix(" \(fleet.servers[index + 1].port)\n"), "\(result.stdoutText)")
        }
        #expect(jumpHosts.sessionCounts == ["bastion": 1])
        #expect(jumpHosts.tunnelCounts == ["bastion": 2])
        // Megabytes both ways through the tunnel, in parallel: backpressure, no loss.
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 9)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask {
                    let echoed = try await connection.run(Command("cat", stdin: payload))
                    #expect(echoed.stdout == payload)
                }
            }
            try await group.waitForAll()
        }
        for connection in connections { await connection.close() }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(jumpHosts.tunnelCounts == ["bastion": 0])
    }

    @Test func aChainOfJumpHostsReachesTheTarget() async throws {
        let fleet = try servers(3)
        defer { fleet.stop() }
        let jumpHosts = JumpHosts()
        defer { jumpHosts.closeAll() }
        let outer = fleet.servers[0].options(hostName: "outer")
        var inner = fleet.servers[1].options(hostName: "inner")
        inner.jumps = [outer]
        var target = fleet.servers[2].options(hostName: "db1")
        target.jumps = [outer, inner]
        #expect(target.route == "outer → inner → db1")
        let connection = try await SSHConnection.connect(target, jumpHosts: jumpHosts)
        let result = try await connection.run(Command("echo $SSH_CONNECTION"))
        #expect(result.stdoutText.hasSuffix(" \(fleet.servers[2].port)\n"))
        #expect(jumpHosts.sessionCounts == ["outer": 1, "inner": 1])
        await connection.close()
    }

    /// web1 (server 1) through the bastion (server 0): the error, or nil if it connected.
    func connectThroughBastion(_ fleet: Fleet) async -> RemoteError? {
        let jumpHosts = JumpHosts()
        defer { jumpHosts.closeAll() }
        var options = fleet.servers[1].options(hostName: "web1")
        options.jumps = [fleet.servers[0].options(hostName: "bastion")]
        do {
            _ = try await SSHConnection.connect(options, jumpHosts: jumpHosts)
            return nil
        } catch {
            return error as? RemoteError
        }
    }

    @Test func aBastionThatRefusesForwardingIsNamed() async throws {
        let fleet = try servers(2, bastionConfig: "AllowTcpForwarding no")
        defer { fleet.stop() }
        let error = try #require(await connectThroughBastion(fleet), "connected although the bastion forbids forwarding")
        #expect(error.host == "web1")
        #expect(error.message.contains("jump host bastion could not connect to 127.0.0.1:\(fleet.servers[1].port)"), "\(error)")
        #expect(error.hint?.contains("AllowTcpForwarding") == true)
    }

    @Test func anUnreachableBastionIsNamed() async throws {
        let fleet = try servers(2)
        defer { fleet.stop() }
        fleet.servers[0].stopDaemon()
        let error = try #require(await connectThroughBastion(fleet), "connected through a stopped bastion")
        #expect(error.kind == .refused)
        #expect(error.host == "web1")
        #expect(error.message.contains("through jump host bastion"), "\(error)")
    }

    @Test func losingTheBastionLosesItsTargetsThenTheyReconnect() async throws {
        let fleet = try servers(2)
        defer { fleet.stop() }
        let jumpHosts = JumpHosts()
        defer { jumpHosts.closeAll() }
        var options = fleet.servers[1].options(hostName: "web1")
        options.jumps = [fleet.servers[0].options(hostName: "bastion")]
        let connection = try await SSHConnection.connect(options, jumpHosts: jumpHosts)
        #expect(try await connection.run(Command("true")).succeeded)
        // The bastion's per-connection sshd processes die (the listener stays): the jump
        // session drops mid-command.
        let listener = try String(contentsOfFile: fleet.servers[0].path("sshd.pid"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        async let cut: Void = {
            try? await Task.sleep(nanoseconds: 300_000_000)
            try? LoopbackSSHServer.shell("pkill -KILL -P \(listener)")
        }()
        do {
            _ = try await connection.run(Command("sleep 20", timeout: 15))
            Issue.record("the command outlived its bastion")
        } catch let error as RemoteError {
            #expect(error.kind == .connectionLost, "\(error)")
            #expect(error.message.contains("through jump host bastion"), "\(error)")
        }
        await cut
        let again = try await connection.run(Command("echo back"))
        #expect(again.stdoutText == "back\n")
        #expect(jumpHosts.sessionCounts["bastion"] == 2)
        await connection.close()
    }
}
