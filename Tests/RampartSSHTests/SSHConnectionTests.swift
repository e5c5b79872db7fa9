import Foundation
import RampartBasics
import RampartRemote
import RampartSSH
import RampartTestSupport
import Testing

/// The transport against a real OpenSSH sshd on loopback: no scripted connection anywhere here.
@Suite(.serialized) struct SSHConnectionTests {
    @Test func runsCommandsAndReportsStatusAndStderr() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let connection = try await SSHConnection.connect(server.options())
        let hello = try await connection.run(Command("echo hello"))
        #expect(hello.stdoutText == "hello\n")
        #expect(hello.exitStatus == 0)
        let failing = try await connection.run(Command("echo oops >&2; echo out; exit 3"))
        #expect(failing.exitStatus == 3)
        #expect(failing.stderrText == "oops\n")
        #expect(failing.stdoutText == "out\n")
        let killed = try await connection.run(Command("kill -KILL $$"))
        #expect(killed.exitSignal == "KILL")
        #expect(!killed.succeeded)
        // One session served every command.
        #expect(connection.connectCount == 1)
        #expect(connection.execCount == 3)
        await connection.close()
    }

    @Test func hashedKnownHostsEntriesAreHonoured() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts(hashed: true)
        let text = try String(contentsOfFile: server.knownHosts, encoding: .utf8)
        #expect(text.hasPrefix("|1|"))
        let connection = try await SSHConnection.connect(server.options())
        #expect(try await connection.run(Command("true")).succeeded)
        await connection.close()
    }

    @Test func wrongKeyFailsAuthenticationNamingTheHost() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let otherKey = server.path("other_ed25519")
        try LoopbackSSHServer.shell("ssh-keygen -q -t ed25519 -N '' -f \(otherKey)")
        var options = server.options(hostName: "web9")
        options.identityFiles = [otherKey]
        let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(options) }
        #expect(error?.kind == .authenticationFailed)
        #expect(error?.host == "web9")
        #expect(error?.description.contains("web9") == true)
        #expect(error?.message.contains(otherKey) == true)
    }

    @Test func rsaKeyIsRefusedWithAPlainExplanation() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let rsaKey = server.path("id_rsa")
        try LoopbackSSHServer.shell("ssh-keygen -q -t rsa -b 2048 -N '' -f \(rsaKey)")
        var options = server.options()
        options.identityFiles = [rsaKey]
        let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(options) }
        #expect(error?.kind == .unsupportedKey)
        #expect(error?.hint?.contains("ed25519") == true)
    }

    @Test func encryptedKeyUsesPassphraseFromEnvironment() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let key = server.path("locked_ed25519")
        try LoopbackSSHServer.shell("ssh-keygen -q -t ecdsa -b 256 -N 'correct horse' -f \(key) && cat \(key).pub >> \(server.path("authorized_keys"))")
        var options = server.options()
        options.identityFiles = [key]
        let good = PassphraseSource(environment: ["RAMPART_SSH_PASSPHRASE": "correct horse"], interactive: false)
        let connection = try await SSHConnection.connect(options, passphrases: good)
        #expect(try await connection.run(Command("true")).succeeded)
        await connection.close()
        let none = PassphraseSource(environment: [:], interactive: false)
        let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(options, passphrases: none) }
        #expect(error?.message.contains("RAMPART_SSH_PASSPHRASE") == true)
    }

    @Test func agentKeysAuthenticateWhenNoKeyFileIsConfigured() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        // A real ssh-agent (it daemonizes itself) holding only the authorized key.
        let socket = server.path("agent.sock")
        try LoopbackSSHServer.shell("ssh-agent -a \(socket) > \(server.path("agent.env")) && SSH_AUTH_SOCK=\(socket) ssh-add -q \(server.clientKey)")
        defer {
            let env = (try? String(contentsOfFile: server.path("agent.env"), encoding: .utf8)) ?? ""
            if let range = env.range(of: #"SSH_AGENT_PID=(\d+)"#, options: .regularExpression),
               let pid = pid_t(env[range].dropFirst("SSH_AGENT_PID=".count)) { kill(pid, SIGTERM) }
            unsetenv("SSH_AUTH_SOCK")
        }
        setenv("SSH_AUTH_SOCK", socket, 1)
        var options = server.options()
        options.identityFiles = []
        options.useAgent = true
        let connection = try await SSHConnection.connect(options)
        #expect(try await connection.run(Command("true")).succeeded)
        await connection.close()
    }

    @Test func unknownHostKeyIsRefusedUnderStrict() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(server.options()) }
        #expect(error?.kind == .hostKeyUnknown)
        #expect(error?.message.contains("SHA256:") == true)
    }

    @Test func changedHostKeyIsRefusedShowingBothFingerprints() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let oldFingerprints = try fingerprints(server)
        server.stopDaemon()
        try server.regenerateHostKeys()
        try server.start()
        let newFingerprints = try fingerprints(server)
        for policy in [HostKeyPolicy.strict, .acceptNew] {
            let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(server.options(policy: policy)) }
            #expect(error?.kind == .hostKeyChanged)
            let message = error?.message ?? ""
            #expect(oldFingerprints.contains { message.contains($0) })
            #expect(newFingerprints.contains { message.contains($0) })
        }
    }

    @Test func acceptNewRecordsTheKeyThenStrictAcceptsIt() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        #expect(!FileManager.default.fileExists(atPath: server.knownHosts))
        let first = try await SSHConnection.connect(server.options(policy: .acceptNew))
        await first.close()
        let recorded = try String(contentsOfFile: server.knownHosts, encoding: .utf8)
        #expect(recorded.contains("[127.0.0.1]:\(server.port) "))
        let second = try await SSHConnection.connect(server.options(policy: .strict))
        #expect(try await second.run(Command("true")).succeeded)
        await second.close()
    }

    @Test func fiveMegabytesOfBinaryOutputArriveByteExact() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let bytes = randomBytes(5 * 1024 * 1024)
        let file = server.path("payload.bin")
        #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)))
        let connection = try await SSHConnection.connect(server.options())
        let result = try await connection.run(Command("cat \(file); echo tail >&2"))
        #expect(result.stdout.count == bytes.count)
        #expect(result.stdout == bytes)
        #expect(result.stderrText == "tail\n")
        await connection.close()
    }

    @Test func binaryUploadThroughStdinIsByteExact() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let bytes = randomBytes(3 * 1024 * 1024 + 7)
        let connection = try await SSHConnection.connect(server.options())
        let target = server.path("uploaded.bin")
        let result = try await connection.upload(bytes, to: target, mode: "0600")
        #expect(result.succeeded)
        let written = try #require(FileManager.default.contents(atPath: target))
        #expect([UInt8](written) == bytes)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // stdin echoed back through a pipe keeps every byte too.
        let echoed = try await connection.run(Command("cat", stdin: Array(bytes.prefix(100_000))))
        #expect(echoed.stdout == Array(bytes.prefix(100_000)))
        await connection.close()
    }

    @Test func commandTimeoutIsAnErrorAndTheConnectionRecovers() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let connection = try await SSHConnection.connect(server.options(hostName: "slowhost"))
        let error = await #expect(throws: RemoteError.self) {
            try await connection.run(Command("sleep 30", timeout: 0.5))
        }
        #expect(error?.kind == .commandTimeout)
        #expect(error?.host == "slowhost")
        #expect(error?.message.contains("sleep 30") == true)
        // The broken session is replaced on the next command.
        #expect(try await connection.run(Command("echo back")).stdoutText == "back\n")
        await connection.close()
    }

    @Test func silentPortTimesOutInsteadOfHanging() async throws {
        // A listening socket that is never accept()ed: TCP connects (kernel backlog), SSH never speaks.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let port = try LoopbackSSHServer.freePort()
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 8) == 0)
        let options = SSHOptions(hostName: "mute", address: "127.0.0.1", port: port, useAgent: false,
                                 knownHostsFiles: [], connectTimeout: 1)
        let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(options) }
        #expect(error?.kind == .connectTimeout)
        #expect(error?.message.contains("does not speak SSH") == true)
    }

    @Test func refusedConnectionIsReportedClearly() async throws {
        let port = try LoopbackSSHServer.freePort()
        let options = SSHOptions(hostName: "nobody", address: "127.0.0.1", port: port, useAgent: false, connectTimeout: 2)
        let error = await #expect(throws: RemoteError.self) { try await SSHConnection.connect(options) }
        #expect(error?.kind == .refused)
        #expect(error?.description.hasPrefix("nobody: error: connection refused") == true)
    }

    @Test func twentyHostsRunInParallel() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        let barrier = server.path("barrier")
        try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: true)
        let count = 20
        // Each command marks itself and waits until all 20 are running at once: if execs were
        // serialised anywhere (one thread, one session, the cooperative pool) none could finish.
        let script = """
        touch \(barrier)/$RAMPART_INDEX_PLACEHOLDER; i=0
        while [ $(ls \(barrier) | wc -l) -lt \(count) ]; do i=$((i+1)); [ $i -gt 400 ] && exit 1; sleep 0.05; done
        echo together
        """
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for index in 0..<count {
                group.addTask {
                    let connection = try await SSHConnection.connect(server.options(hostName: "host\(index)"))
                    let result = try await connection.run(Command(script.replacingOccurrences(of: "$RAMPART_INDEX_PLACEHOLDER", with: "\(index)")))
                    await connection.close()
                    return result
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == count)
        #expect(results.allSatisfy { $0.stdoutText == "together\n" })
    }

    private func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private func fingerprints(_ server: LoopbackSSHServer) throws -> [String] {
        try ["host_ecdsa", "host_ed25519"].map { name in
            let pub = try String(contentsOfFile: server.path(name) + ".pub", encoding: .utf8).split(separator: " ")
            let raw = try #require(Data(base64Encoded: String(pub[1])))
            return fingerprint(raw)
        }
    }

    private func fingerprint(_ data: Data) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("k\(UUID().uuidString).pub")
        let type = String(decoding: data.dropFirst(4).prefix(Int(data[3])), as: UTF8.self)
        try? "\(type) \(data.base64EncodedString())\n".write(to: tmp, atomically: true, encoding: .utf8)
        let pipe = Pipe()
        process.arguments = ["-c", "ssh-keygen -l -f \(tmp.path) | cut -d' ' -f2"]
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: tmp)
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// `become` through sudo for a non-root login, with the password on stdin only.
@Suite(.serialized) struct BecomeTests {
    static let user = "rampartsudo"
    static let password = "s3cret-Pa55-\(UInt32.random(in: 1000...9999))"

    /// A real local account allowed to sudo with a password (the test runs as root, as CI does).
    static func prepareAccount(password: String) throws {
        try LoopbackSSHServer.shell("""
        id \(user) >/dev/null 2>&1 || useradd -m -s /bin/sh \(user)
        echo '\(user):\(password)' | chpasswd
        echo '\(user) ALL=(ALL) ALL' > /etc/sudoers.d/rampart-test && chmod 0440 /etc/sudoers.d/rampart-test
        """)
    }

    @Test func becomeRunsAsRootWithThePasswordOnStdinNotArgv() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        try Self.prepareAccount(password: Self.password)
        var options = server.options(hostName: "sudohost")
        options.user = Self.user
        options.become = true
        options.becomePassword = Secret(Self.password)
        let connection = try await SSHConnection.connect(options)
        let whoami = try await connection.run(Command("id -un"))
        #expect(whoami.stdoutText == "root\n")
        // While a privileged command runs, no process on the machine carries the password in argv.
        let processes = try await connection.run(Command("ps -eo args"))
        #expect(processes.succeeded)
        #expect(!processes.stdoutText.contains(Self.password))
        // Uploads keep working behind sudo: the password line is consumed by sudo, the payload reaches cat.
        let echoed = try await connection.run(Command("cat", stdin: Array("payload\n".utf8)))
        #expect(echoed.stdoutText == "payload\n")
        let unprivileged = try await connection.run(Command("id -un", privileged: false))
        #expect(unprivileged.stdoutText == "\(Self.user)\n")
        await connection.close()
    }

    @Test func wrongSudoPasswordFailsClearly() async throws {
        let server = try LoopbackSSHServer()
        defer { server.stop() }
        try server.writeKnownHosts()
        try Self.prepareAccount(password: Self.password)
        var options = server.options(hostName: "sudohost")
        options.user = Self.user
        options.become = true
        options.becomePassword = Secret("not-the-password")
        let connection = try await SSHConnection.connect(options)
        let error = await #expect(throws: RemoteError.self) { try await connection.run(Command("id -un")) }
        #expect(error?.kind == .privilegeEscalationFailed)
        #expect(error?.description.contains("not-the-password") == false)
        await connection.close()
    }
}
