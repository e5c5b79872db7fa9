import ArgumentParser
import Foundation
import RampartBasics
import RampartCA

/// `rampart ca`: the internal CA on this machine.
struct CACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Show the internal certificate authority and the certificates it issued.",
        discussion: """
        The CA is created on the first plan/apply that needs a certificate, in the inventory's
        `ca: { directory: }` or in .rampart/ca-<inventory>/ beside it. Its key never leaves this
        machine (mode 0600, vault-encrypted when a vault password is set).

          curl --cacert <(rampart ca show --pem -i inventories/lab.yml) https://www.foobar.com/
          rampart ca list -i inventories/lab.yml
        """,
        subcommands: [Show.self, List.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the CA certificate.")
        @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.") var inventory: String?
        @Flag(name: .long, help: "Print only the PEM certificate (for --cacert, trust stores).") var pem = false

        func run() throws {
            let authority = try CertificateAuthority.open(for: try Diagnostics.loadInventory(path: try ProjectSource.inventory(inventory)), vault: Diagnostics.vaultPassword)
            if pem { Terminal.shared.write(authority.certificatePEM); return }
            Terminal.shared.write("""
            subject     \(authority.certificate.subject)
            valid until \(ISO8601DateFormatter().string(from: authority.certificate.notValidAfter))
            directory   \(authority.directory)

            """ + authority.certificatePEM)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every issued certificate with its expiry.")
        @Option(name: [.short, .customLong("inventory")], help: "Inventory file (YAML); not needed in a Swift site's executable.") var inventory: String?

        func run() throws {
            let authority = try CertificateAuthority.open(for: try Diagnostics.loadInventory(path: try ProjectSource.inventory(inventory)), vault: Diagnostics.vaultPassword)
            let leaves = authority.leaves()
            let width = max(4, leaves.map { "\($0.host)/\($0.name)".count }.max() ?? 0)
            var out = "certificate".padding(toLength: width, withPad: " ", startingAt: 0) + "  expires     days  names\n"
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            for leaf in leaves {
                out += "\(leaf.host)/\(leaf.name)".padding(toLength: width, withPad: " ", startingAt: 0)
                    + "  \(day.string(from: leaf.certificate.notAfter))  \(String(leaf.certificate.daysLeft()).leftPad(4))  "
                    + leaf.certificate.subjectAltNames.joined(separator: ", ") + "\n"
            }
            if leaves.isEmpty { out += "(none issued yet)\n" }
            Terminal.shared.write(out)
        }
    }
}
