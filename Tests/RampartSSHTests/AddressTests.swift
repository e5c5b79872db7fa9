import Foundation
import RampartBasics
import RampartRemote
import RampartSSH
import RampartTestSupport
import Testing

/// Hosts by DNS name and IPv6 literal on odd ports, known_hosts in `[host]:port` form, and a
/// name with several addresses tried in turn — against a real sshd on loopback.
@Suite(.serialized) struct AddressTests {
    /// known_hosts lines for `server` under `name` (`[name]:port`, as ssh writes them).
    func knownHosts(_ server: LoopbackSSHServer, as name: String) throws {
        let lines = try String(contentsOfFile: server.knownHosts, encoding: .utf8)
            .replacingOccurrences(of: "[127.0.0.1]:\(server.port)", with: "[\(name)]:\(server.port)")
        try lines.write(toFile: server.knownHosts, atomically: true, encoding: .utf8)
    }

    @Test func aDNSNameOnAnOddPort() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        try knownHosts(server, as: "localhost")
        var options = server.options(hostName: "web1")
        options.address = "localhost"
        let connection = try await SSHConnection.connect(options)
        #expect(try await connection.run(Command("echo ok")).stdoutText == "ok\n")
        await connection.close()
        // The key is recorded under [localhost]:port only: the bare address is unknown.
        options.address = "127.0.0.1"
        try knownHosts(server, as: "localhost")
        await #expect(throws: RemoteError.self) { _ = try await SSHConnection.connect(options) }
    }

    @Test func anIPv6Literal() async throws {
        let server = try LoopbackSSHServer(extraConfig: "ListenAddress ::1")
        defer { server.stop() }
        try server.writeKnownHosts()
        try knownHosts(server, as: "::1")
        var options = server.options(hostName: "web1")
        options.address = "::1"
        let connection = try await SSHConnection.connect(options)
        #expect(try await connection.run(Command("echo ${SSH_CONNECTION%% *}")).stdoutText == "::1\n")
        await connection.close()
    }

    /// A name with an IPv6 address where nothing listens and an IPv4 one where sshd does: the
    /// refused address is passed over, as ssh does. (An /etc/hosts line for a name under .invalid,
    /// removed afterwards.)
    @Test(.enabled(if: getuid() == 0 && access("/etc/hosts", W_OK) == 0, "needs a writable /etc/hosts"))
    func aNameWithSeveralAddressesTriesEach() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let name = "rampart-dual-\(getpid()).invalid"
        try knownHosts(server, as: name)
        let original = try String(contentsOfFile: "/etc/hosts", encoding: .utf8)
        defer { try? original.write(toFile: "/etc/hosts", atomically: false, encoding: .utf8) }
        try (original + "::1 \(name)\n127.0.0.1 \(name)\n").write(toFile: "/etc/hosts", atomically: false, encoding: .utf8)
        #expect(LocalShell.run("getent ahosts \(name) | awk '{print $1}' | uniq").stdout.contains("::1"))
        var options = server.options(hostName: "web1")
        options.address = name
        let connection = try await SSHConnection.connect(options)
        #expect(try await connection.run(Command("echo ${SSH_CONNECTION%% *}")).stdoutText == "127.0.0.1\n")
        await connection.close()
    }
}
