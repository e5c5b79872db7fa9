import Foundation
import Rampart
import RampartDSL
import Testing

/// Every resource kind the DSL has, declared in Swift and in YAML, loads to the same role —
/// fields, defaults, `requires`, `subscribes`, `loop` and `when` included.
struct KindsEquivalenceTests {
    static let yaml = """
    name: kinds
    roles:
      kinds:
        defaults: { zone: Europe/Berlin }
        resources:
          - apt_repository: mariadb
            uris: [https://deb.mariadb.org/10.11/debian]
            suites: [bookworm]
            signed_by: /usr/share/keyrings/mariadb.gpg
          - apt_preference: mariadb
            packages: [mariadb-server]
            pin: origin deb.mariadb.org
            priority: 900
          - ini: max connections
            path: /etc/mysql/conf.d/tuning.cnf
            section: mysqld
            key: max_connections
            value: "200"
            create: true
          - cron: nightly-report
            schedule: "15 3 * * *"
            command: /usr/local/bin/report
            user: ops
          - timezone: "{{ zone }}"
          - locale: en_US.UTF-8
            default: true
          - alternatives: editor
            path: /usr/bin/vim.basic
          - pam_limits: nofile
            item: nofile
            value: "65536"
          - mount: /srv/cache
            src: tmpfs
            fstype: tmpfs
            opts: "size=64m,nosuid"
          - kernel_module: "{{ item }}"
            state: disabled
            loop: [cramfs, udf]
          - download: /usr/local/bin/tool
            url: https://example.org/tool
            sha256: "0000000000000000000000000000000000000000000000000000000000000000"
            mode: "0755"
          - archive: /opt/tool
            src: /tmp/tool.tar.gz
            creates: /opt/tool/bin
            strip_components: 1
          - line: password max age
            path: /etc/login.defs
            match: '^PASS_MAX_DAYS\\s'
            text: "PASS_MAX_DAYS\\t60"
          - block: banner
            path: /etc/issue
            content: "managed\\n"
          - ssh_keypair: /etc/ssh/ssh_host_ed25519_key
            comment: "root@{{ inventory_hostname }}"
          - service: ssh
            refresh: reload
            subscribes: [ssh_keypair:/etc/ssh/ssh_host_ed25519_key]
            when: facts.os.family == 'debian'
    plays:
      - name: all
        hosts: all
        roles: [kinds]
    """

    static let swift: RampartDSL.Role = {
        let hostKey = SSHKeyPair("/etc/ssh/ssh_host_ed25519_key", comment: "root@{{ inventory_hostname }}")
        return Role("kinds", defaults: ["zone": "Europe/Berlin"]) {
            AptRepository("mariadb", uris: ["https://deb.mariadb.org/10.11/debian"], suites: ["bookworm"],
                          key: .signedBy("/usr/share/keyrings/mariadb.gpg"))
            AptPreference("mariadb", packages: ["mariadb-server"], pin: "origin deb.mariadb.org", priority: 900)
            Ini("max connections", path: "/etc/mysql/conf.d/tuning.cnf", section: "mysqld", key: "max_connections", value: "200", create: true)
            Cron("nightly-report", schedule: "15 3 * * *", command: "/usr/local/bin/report", user: "ops")
            Timezone("{{ zone }}")
            SystemLocale("en_US.UTF-8", isDefault: true)
            Alternatives("editor", path: "/usr/bin/vim.basic")
            PamLimits("nofile", item: "nofile", value: "65536")
            Mount("/srv/cache", src: "tmpfs", fstype: "tmpfs", opts: "size=64m,nosuid")
            KernelModule("{{ item }}", state: .disabled).loop(items: ["cramfs", "udf"])
            Download("/usr/local/bin/tool", url: "https://example.org/tool",
                     sha256: "0000000000000000000000000000000000000000000000000000000000000000", mode: "0755")
            Archive("/opt/tool", src: "/tmp/tool.tar.gz", creates: "/opt/tool/bin", stripComponents: 1)
            Line("password max age", path: "/etc/login.defs", text: "PASS_MAX_DAYS\t60", match: #"^PASS_MAX_DAYS\s"#)
            Block("banner", path: "/etc/issue", content: "managed\n")
            hostKey
            Service("ssh", refresh: .reload).subscribes(hostKey).when("facts.os.family == 'debian'")
        }
    }()

    @Test func everyKindLoadsAlikeFromSwiftAndYAML() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-kinds-\(getpid())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("playbooks"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("playbooks/kinds.yml").path
        try Self.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let fromYAML = try PlaybookLoader().load(path: path)
        let host = RampartDSL.Host("h1", address: "10.0.0.1")
        let site = Site("kinds", inventory: RampartDSL.Inventory("test", hosts: [host]), root: folder.path) {
            Play("all", hosts: Group.all, roles: [Self.swift])
        }
        let fromSwift = try PlaybookLoader().load(declaration: site.playbookDeclaration, path: site.playbookPath)
        let yamlRole = try #require(fromYAML.roles["kinds"]), swiftRole = try #require(fromSwift.roles["kinds"])
        #expect(yamlRole.resources.count == 16)
        #expect(Set(yamlRole.resources.map(\.id.kind)).count == 16)
        for (a, b) in zip(swiftRole.resources, yamlRole.resources) { #expect(a == b, "\(a.id)") }
        #expect(swiftRole == yamlRole)
        #expect(fromSwift.plays == fromYAML.plays)
    }
}
