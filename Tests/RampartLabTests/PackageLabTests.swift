import Foundation
import RampartTestSupport
import Testing

/// Rampart as a Debian package (scripts/package, which scripts/test runs before this suite) on a
/// fresh lab host: `apt-get install ./rampart_*.deb` pulls its dependencies from Debian, then
/// `rampart --version`, its man page, its bash completion, and `rampart init` from the reference
/// files the package installs — validated there.
enum PackageLabChecks {
    static let host = "mon1", address = "10.231.77.30"

    static func run() throws {
        var installed = Scenario("Debian package installed on a fresh host")
        let folder = packageRoot.appendingPathComponent(".build/package").path
        let debs = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".deb") }.sorted()
        installed.expect(debs.count == 1, "expected one package in \(folder) (scripts/package makes it): \(debs)")
        guard let deb = debs.first else { installed.finish("no package built"); return }
        let size = ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + deb))?[.size] as? Int ?? 0) / 1_048_576
        // Copied as an admin would (scp as root: the host is fresh).
        let copy = LocalShell.run("scp -q -i /var/lib/rampart-lab/id_ed25519 -o UserKnownHostsFile=/var/lib/rampart-lab/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes '\(folder)/\(deb)' root@\(address):/tmp/ 2>&1")
        installed.expect(copy.status == 0, "scp: \(copy.stdout)")
        let install = try EngineLabChecks.exec(host, """
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq /tmp/\(deb) man-db >/dev/null 2>&1 && echo INSTALLED
        rampart --version
        man -P cat rampart 2>/dev/null | grep -c 'rampart-plan\\|PLAN\\|plan' | sed 's/^/MAN /'
        bash -c 'source /usr/share/bash-completion/completions/rampart && COMP_WORDS=(rampart pl) && COMP_CWORD=1 && _rampart && echo "COMPLETES ${COMPREPLY[*]}"'
        rampart init /tmp/project --lb 10.0.0.10 --web 10.0.0.11 --db 10.0.0.21 --monitoring 10.0.0.10 --key /tmp/none --vault-password-file /tmp/project.pw >/dev/null 2>&1 \
          && cd /tmp/project && RAMPART_VAULT_PASSWORD_FILE=/tmp/project.pw rampart validate -i inventories/production.yml playbooks/site.yml 2>/dev/null | tail -1
        dpkg-query -W -f='${Depends}\\n' rampart
        rm -rf /tmp/project /tmp/project.pw /tmp/\(deb)
        """)
        installed.expect(install.contains("INSTALLED\n"), "apt-get install ./\(deb) failed:\n\(install)")
        installed.expect(install.contains("0.1") && install.contains("MAN ") && !install.contains("MAN 0"), "version or man page:\n\(install)")
        installed.expect(install.contains("COMPLETES") && install.contains("plan"), "bash completion of `rampart pl`:\n\(install)")
        installed.expect(install.contains("valid: 3 hosts"), "init from /usr/share/rampart, then validate:\n\(install)")
        installed.expect(install.contains("libssh2-1"), "the package depends on libssh2-1:\n\(install)")
        installed.finish("\(deb) (\(size) MB, static Swift runtime) on \(host): apt-get install pulls its dependencies, --version, man, bash completion, init + validate from /usr/share/rampart")
    }
}
