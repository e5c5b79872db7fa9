import ArgumentParser
import Foundation
import RampartBasics
import RampartLoading

/// `rampart vault`: encrypt, decrypt, view and edit vault files (AES-256-GCM, scrypt-derived key).
struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Encrypt, decrypt, view or edit a vault file.",
        discussion: """
        A vault file holds secrets beside the inventory, e.g. inventories/group_vars/all/vault.yml;
        every value in it is treated as a secret (shown as (sensitive) everywhere). The password
        comes from RAMPART_VAULT_PASSWORD_FILE or is asked on the terminal.

          rampart vault encrypt inventories/group_vars/all/vault.yml
          rampart vault edit inventories/group_vars/all/vault.yml
        """,
        subcommands: [Encrypt.self, Decrypt.self, View.self, Edit.self]
    )

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Encrypt a file in place.")
        @Argument(help: "The file to encrypt.") var file: String

        func run() throws {
            let data = try VaultFiles.read(file)
            guard !Vault.isEncrypted(data) else {
                throw DiagnosticError(.error("\(file) is already encrypted", hint: "use `rampart vault edit \(file)` to change it"))
            }
            let password = try VaultFiles.newPassword()
            try VaultFiles.write(try Vault.encrypt(data, password: password), to: file)
            Terminal.shared.write("encrypted \(file)\n")
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decrypt a file in place (its secrets are then on disk in clear).")
        @Argument(help: "The file to decrypt.") var file: String

        func run() throws {
            let clear = try VaultFiles.decrypt(file)
            try VaultFiles.write(clear, to: file)
            Terminal.shared.write("decrypted \(file)\n")
        }
    }

    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a vault file's clear text.")
        @Argument(help: "The file to show.") var file: String

        func run() throws {
            FileHandle.standardOutput.write(try VaultFiles.decrypt(file))
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a vault file with $EDITOR (created if missing).",
            discussion: "The clear text lives only in a 0600 file under /dev/shm (memory) while the editor runs."
        )
        @Argument(help: "The file to edit.") var file: String

        func run() throws {
            let exists = FileManager.default.fileExists(atPath: file)
            let password = exists ? try Diagnostics.vaultPassword.get() : try VaultFiles.newPassword()
            let clear = exists ? try Vault.decrypt(try VaultFiles.read(file), password: password) : Data()
            let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
            let temp = directory + "/rampart-vault-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).yml"
            guard FileManager.default.createFile(atPath: temp, contents: clear, attributes: [.posixPermissions: 0o600]) else {
                throw DiagnosticError(.error("cannot create a temporary file in \(directory)"))
            }
            defer { VaultFiles.erase(temp) }
            let editor = ProcessInfo.processInfo.environment["VISUAL"] ?? ProcessInfo.processInfo.environment["EDITOR"] ?? "vi"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(editor) \"$1\"", "editor", temp]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw DiagnosticError(.error("the editor exited with status \(process.terminationStatus); \(file) is unchanged"))
            }
            let edited = try VaultFiles.read(temp)
            if edited == clear && exists {
                Terminal.shared.write("\(file) unchanged\n")
                return
            }
            try VaultFiles.write(try Vault.encrypt(edited, password: password), to: file)
            Terminal.shared.write("saved \(file) (encrypted)\n")
        }
    }
}

/// File handling shared by the vault subcommands: atomic 0600 writes, clear text wiped after use.
enum VaultFiles {
    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.error("cannot read \(path)", hint: "check the path and its permissions"))
        }
        return data
    }

    static func decrypt(_ path: String) throws -> Data {
        let data = try read(path)
        do { return try Vault.decrypt(data, password: try Diagnostics.vaultPassword.get()) } catch let failure as Vault.Failure {
            throw DiagnosticError(.error("\(path): \(failure)", hint: failure == .notEncrypted ? "encrypt it with `rampart vault encrypt \(path)`"
                                         : "check the password (RAMPART_VAULT_PASSWORD_FILE)"))
        }
    }

    /// Vault files are mode 0600 and never half-written.
    static func write(_ data: Data, to path: String) throws {
        try AtomicFile.write(data, to: path, mode: 0o600)
    }

    /// A new password: from RAMPART_VAULT_PASSWORD_FILE, or asked twice on the terminal.
    static func newPassword() throws -> Secret {
        if ProcessInfo.processInfo.environment["RAMPART_VAULT_PASSWORD_FILE"] != nil { return try Diagnostics.vaultPassword.get() }
        guard let first = Terminal.shared.promptSecret("New vault password: "),
              let second = Terminal.shared.promptSecret("Repeat it: ") else {
            throw DiagnosticError(.error("no terminal to ask for a vault password", hint: "set RAMPART_VAULT_PASSWORD_FILE"))
        }
        guard first == second else { throw DiagnosticError(.error("the two passwords differ; nothing was changed")) }
        return first
    }

    static func erase(_ path: String) {
        if let handle = FileHandle(forWritingAtPath: path) {
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: 0)
            handle.write(Data(count: Int(size)))
            try? handle.close()
        }
        unlink(path)
    }
}
