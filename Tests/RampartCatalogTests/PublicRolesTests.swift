import Foundation
import Rampart
import Testing

/// playbooks/public-roles.yml (the equivalents of geerlingguy.nginx and devsec ssh_hardening,
/// compared on the lab by bench/public-roles/compare) compiles, uses no `command`, and renders
/// the files the comparison found equal to the public roles'.
struct PublicRolesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func thePublicRoleEquivalentsUseNoCommand() throws {
        let project = try Project.load(inventory: Self.root.appendingPathComponent("inventories/lab.yml").path,
                                       playbook: Self.root.appendingPathComponent("playbooks/public-roles.yml").path)
        let catalog = try #require(try project.compile()["web2"])
        #expect(!catalog.resources.contains { $0.id.kind == .command })
        #expect(catalog.resources.contains { $0.id == ResourceID(.file, "/etc/nginx/sites-enabled/www.example.org.conf") }, "one file per vhost")
        let sshd = catalog.resources.compactMap { r -> String? in
            if case .file(let f) = r.spec, f.path == "/etc/ssh/sshd_config" { return f.content?.revealed() }
            return nil
        }.first ?? ""
        for line in ["PermitRootLogin without-password", "HostKey /etc/ssh/ssh_host_ed25519_key", "MaxAuthTries 2", "Match Group sftponly"] {
            #expect(sshd.split(separator: "\n").contains(Substring(line)), "sshd_config lacks '\(line)':\n\(sshd)")
        }
        #expect(!sshd.split(separator: "\n").contains { $0.hasPrefix("Include") }, "no Include: the file is the whole configuration, as the public role's")
    }
}
