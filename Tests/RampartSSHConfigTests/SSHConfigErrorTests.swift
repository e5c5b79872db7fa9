import Foundation
import RampartBasics
@testable import RampartSSHConfig
import Testing

/// Fixtures/bad: configs Rampart refuses (or, where ssh accepts them silently, warns about),
/// each with the file:line or the hop in its message.
@Suite struct SSHConfigErrorTests {
    static let bad = SSHConfigOracleTests.fixtures + "/bad/"
    let context = LocalContext.current(environment: ["HOME": "/root"])

    func rejection(_ file: String, resolving name: String = "web1") -> SSHConfigError? {
        do {
            _ = try SSHConfig.load(.file(Self.bad + file), context: context).resolve(name)
            return nil
        } catch let error as SSHConfigError {
            return error
        } catch {
            return nil
        }
    }

    @Test func valuesThatDoNotParseAreErrorsAtTheirLine() throws {
        for (file, line, words) in [("04-port-not-a-number.conf", 6, "notanumber"), ("05-port-out-of-range.conf", 6, "70000"),
                                    ("06-host-without-pattern.conf", 5, "Host"), ("08-user-missing-value.conf", 6, "User")] {
            let error = try #require(rejection(file), "\(file) was accepted")
            #expect(error.diagnostic.location?.file == Self.bad + file)
            #expect(error.diagnostic.location?.line == line, "\(file): \(error)")
            #expect(error.description.contains(words), "\(file): \(error)")
        }
    }

    @Test func anUnknownTokenIsAnErrorAtTheLineThatWins() throws {
        let error = try #require(rejection("02-unknown-token-identityfile.conf"))
        #expect(error.description.contains("%z is not a token"))
        #expect(error.diagnostic.location?.file.hasSuffix("02-unknown-token-identityfile.conf") == true)
        #expect(error.diagnostic.hint?.contains("%h") == true)
    }

    @Test func aMissingNamedIncludeIsAnErrorInTheProjectsFileAndAWarningInTheUsers() throws {
        // The inventory's connection.ssh_config: an error at the Include's line.
        let error = try #require(rejection("01-include-missing-file.conf"))
        #expect(error.description.contains("no such file"))
        #expect(error.diagnostic.location?.file.hasSuffix("01-include-missing-file.conf") == true)
        // The same as a user's ~/.ssh/config: ssh passes over it, Rampart warns.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.copyItem(atPath: Self.bad + "01-include-missing-file.conf", toPath: home + "/.ssh/config")
        var context = self.context
        context.homeDirectory = home
        let config = try SSHConfig.load(.standard, context: context)
        let warning = try #require(config.warnings.first { $0.message.contains("does not exist") })
        #expect(warning.severity == .warning)
        #expect(warning.location?.file == home + "/.ssh/config")
    }

    @Test func aProxyJumpLoopIsNamedWithItsOrigin() throws {
        let config = try SSHConfig.load(.file(Self.bad + "03-proxyjump-loop.conf"), context: context)
        #expect(throws: SSHConfigError.self) {
            _ = try JumpRoute.hops(to: "a") { name in
                let resolved = try config.resolve(name)
                return resolved.proxyJump.map { ($0, resolved.origins["proxyjump"]) }
            }
        }
        do {
            _ = try JumpRoute.hops(to: "a") { name in
                let resolved = try config.resolve(name)
                return resolved.proxyJump.map { ($0, resolved.origins["proxyjump"]) }
            }
        } catch let error as SSHConfigError {
            #expect(error.description.contains("ProxyJump loop: a → b → a"))
            #expect(error.diagnostic.location?.line != nil)
        }
    }

    @Test func aMissingConfigFileIsAnError() {
        #expect(throws: SSHConfigError.self) { _ = try SSHConfig.load(.file("/nonexistent/ssh_config"), context: context) }
    }

    @Test func aConfigOthersCanWriteIsRefusedLikeSSHDoes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-perm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/.ssh", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "Host *\n  User x\n".write(toFile: directory + "/.ssh/config", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: directory + "/.ssh/config")
        var home = context
        home.homeDirectory = directory
        #expect(throws: SSHConfigError.self) { _ = try SSHConfig.load(.standard, context: home) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory + "/.ssh/config")
        #expect(try SSHConfig.load(.standard, context: home).resolve("any").user == "x")
    }
}
