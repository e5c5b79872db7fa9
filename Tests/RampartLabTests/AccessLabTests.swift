import Foundation
import Testing

/// Access after the site is applied: Rampart connects as the deploy user (sudo for root), root
/// and passwords are refused by every sshd, and the settings are in force (`sshd -T`).
enum AccessLabChecks {
    static func run() throws {
        let whoami = try rampart(["exec", "-i", labInventory, "--json", "--no-become", "--", "id -un"])
        #expect(whoami.status == 0 && !whoami.stdout.contains("\"root") && whoami.stdout.contains("deploy"), "\(whoami.stdout)")
        for host in ["lb1", "web1", "web2", "db1", "db2", "mon1"] {
            let settings = try EngineLabChecks.exec(host, "sshd -T | grep -E '^(permitrootlogin|passwordauthentication|kbdinteractiveauthentication|allowusers) '")
            #expect(settings == "permitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\nallowusers deploy\n", "\(host): \(settings)")
        }
        // OpenSSH as root with the same key: refused.
        let root = try SiteLabChecks.shell("ssh -i /var/lib/rampart-lab/id_ed25519 -o UserKnownHostsFile=/var/lib/rampart-lab/known_hosts -o BatchMode=yes -o ConnectTimeout=5 root@10.231.77.11 true 2>&1")
        #expect(root.status != 0 && root.output.contains("Permission denied"), "root login should be refused: \(root.output)")
        let password = try SiteLabChecks.shell("ssh -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive -o UserKnownHostsFile=/var/lib/rampart-lab/known_hosts -o BatchMode=yes -o ConnectTimeout=5 deploy@10.231.77.11 true 2>&1")
        #expect(password.status != 0 && password.output.contains("Permission denied (publickey)"), "passwords should not be offered: \(password.output)")
    }
}
