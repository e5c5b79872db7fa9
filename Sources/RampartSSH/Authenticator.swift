import CLibSSH2
import Foundation
import RampartBasics
import RampartRemote

/// Where key passphrases come from: `RAMPART_SSH_PASSPHRASE`, else a prompt when stdin is a TTY.
/// Answers are kept per key file for the run, so forty hosts sharing one key ask once.
public final class PassphraseSource: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [String: Secret] = [:]
    private let environment: [String: String]
    private let interactive: Bool
    private let ask: @Sendable (String) -> String?
    private var secrets: [String: Secret?] = [:]

    /// `ask` reads a line without echo (getpass on the terminal).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                interactive: Bool = isatty(STDIN_FILENO) != 0,
                ask: @escaping @Sendable (String) -> String? = { prompt in getpass(prompt).map { String(cString: $0) } }) {
        self.environment = environment
        self.interactive = interactive
        self.ask = ask
    }

    /// The value of environment variable `name`, or else asked once on the terminal with
    /// `prompt` and kept for the run (a sudo password is asked once, not once per host); nil
    /// when neither can be had.
    public func secret(named name: String, prompt: String) -> Secret? {
        lock.lock()
        defer { lock.unlock() }
        if let known = secrets[name] { return known }
        var found: Secret?
        if let value = environment[name] { found = Secret(value) } else if interactive, let typed = ask(prompt) { found = Secret(typed) }
        secrets[name] = found
        return found
    }

    /// The passphrase for `keyPath`, or nil when none can be had.
    func passphrase(for keyPath: String) -> Secret? {
        lock.lock()
        defer { lock.unlock() }
        if let known = cache[keyPath] { return known }
        var found: Secret?
        if let value = environment["RAMPART_SSH_PASSPHRASE"] {
            found = Secret(value)
        } else if interactive, let typed = ask("Passphrase for \(keyPath): ") {
            found = Secret(typed)
        }
        cache[keyPath] = found
        return found
    }
}

/// Public-key authentication: the inventory's key files, then ssh-agent, then the default key files (ed25519, ECDSA).
struct Authenticator {
    let session: SSHSession
    let passphrases: PassphraseSource
    private var options: SSHOptions { session.options }
    private var host: String { options.hostName }

    func authenticate(deadline: Double) throws {
        var tried: [String] = []
        var problems: [String] = []

        // A key named in the inventory goes first: offering many agent keys before it could
        // exhaust the server's MaxAuthTries (the classic "Too many authentication failures").
        let configured = !options.identityFiles.isEmpty
        if configured, try authenticate(withFiles: options.identityFiles, required: true, deadline: deadline,
                                        tried: &tried, problems: &problems) { return }
        if options.useAgent, options.agentSocket != nil || ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil {
            if try authenticateWithAgent(deadline: deadline, tried: &tried, problems: &problems) { return }
        }
        if !configured, try authenticate(withFiles: SSHOptions.defaultIdentityFiles, required: false, deadline: deadline,
                                         tried: &tried, problems: &problems) { return }

        let what = tried.isEmpty ? "no key could be offered" : "tried " + tried.joined(separator: ", ")
        let detail = problems.isEmpty ? "" : "; " + problems.joined(separator: "; ")
        throw RemoteError(.authenticationFailed, host: host,
                          "authentication failed for \(options.endpoint): \(what)\(detail)",
                          hint: "make sure the public key is in ~\(options.user)/.ssh/authorized_keys on the host and the inventory's `key` points at the private key")
    }

    /// Tries each key file in order; `required` files that cannot be read are reported.
    private func authenticate(withFiles files: [String], required: Bool, deadline: Double,
                              tried: inout [String], problems: inout [String]) throws -> Bool {
        for path in files {
            guard let key = PrivateKeyFile.inspect(path: path) else {
                if required { problems.append("key file \(path) cannot be read") }
                continue
            }
            if key.algorithm == .rsa || key.algorithm == .dsa {
                throw RemoteError(.unsupportedKey, host: host,
                                  "\(path) is an \(key.algorithm.rawValue.uppercased()) key; Debian 12's libssh2 1.10 can only sign with ssh-rsa (SHA-1), which OpenSSH ≥ 8.8 refuses",
                                  hint: "create an ed25519 key (ssh-keygen -t ed25519), add its .pub to the host's authorized_keys and point the inventory's key at it")
            }
            var passphrase: Secret?
            if key.encrypted {
                passphrase = passphrases.passphrase(for: path)
                if passphrase == nil {
                    problems.append("\(path) is encrypted and no passphrase was given (set RAMPART_SSH_PASSPHRASE or run on a terminal)")
                    continue
                }
            }
            tried.append("key \(path) (\(key.algorithm.rawValue))")
            if try authenticate(withKeyFile: path, passphrase: passphrase, deadline: deadline, problems: &problems) { return true }
        }
        return false
    }

    private func authenticate(withKeyFile path: String, passphrase: Secret?, deadline: Double,
                              problems: inout [String]) throws -> Bool {
        let raw = session.rawSession
        let user = options.user
        let rc: Int32
        do {
            rc = try session.retry(deadline: deadline, phase: .authentication, "public key authentication") {
                if let passphrase {
                    return passphrase.withRevealed { secret in
                        rampart_userauth_publickey_fromfile(raw, user, UInt32(user.utf8.count), nil, path, secret)
                    }
                }
                return rampart_userauth_publickey_fromfile(raw, user, UInt32(user.utf8.count), nil, path, nil)
            }
        } catch let error as RemoteError where error.kind == .authenticationFailed || error.kind == .protocolError {
            if error.message.contains("Unable to extract public key") || error.message.contains("Unable to initialize private key") {
                problems.append("\(path) could not be loaded (wrong passphrase or unsupported format)")
            } else {
                problems.append("the server refused \(path)")
            }
            return false
        }
        return rc == 0
    }

    private func authenticateWithAgent(deadline: Double, tried: inout [String], problems: inout [String]) throws -> Bool {
        let raw = session.rawSession
        guard let agent = libssh2_agent_init(raw) else { return false }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        if let socket = options.agentSocket { libssh2_agent_set_identity_path(agent, socket) }
        guard libssh2_agent_connect(agent) == 0 else {
            problems.append("ssh-agent at \(options.agentSocket ?? "SSH_AUTH_SOCK") did not answer")
            return false
        }
        guard libssh2_agent_list_identities(agent) == 0 else {
            problems.append("ssh-agent did not list its keys")
            return false
        }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var count = 0
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            previous = current
            let blob = [UInt8](UnsafeBufferPointer(start: current.pointee.blob, count: current.pointee.blob_len))
            var reader = SSHWireReader(bytes: blob)
            let algorithm = PrivateKeyFile.algorithm(forKeyType: reader.string() ?? "")
            if algorithm == .rsa || algorithm == .dsa {
                problems.append("skipped the agent's \(algorithm.rawValue.uppercased()) key (libssh2 1.10 cannot sign with rsa-sha2)")
                continue
            }
            count += 1
            let user = options.user
            let rc: Int32
            do {
                rc = try session.retry(deadline: deadline, phase: .authentication, "agent authentication") {
                    libssh2_agent_userauth(agent, user, current)
                }
            } catch let error as RemoteError where error.kind != .connectTimeout && error.kind != .connectionLost {
                continue
            }
            if rc == 0 { return true }
        }
        if count > 0 { tried.append("ssh-agent (\(count) key\(count == 1 ? "" : "s"))") }
        return false
    }
}
