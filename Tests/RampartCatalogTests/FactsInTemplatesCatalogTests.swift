import Foundation
import Rampart
import Testing

/// `facts.` in templates, role defaults and typed fields: rendered with the facts the compiler
/// is given (the baseline until the host's are gathered), and the catalog says what read them.
struct FactsInTemplatesCatalogTests {
    static let playbook = """
    name: facts
    roles:
      web:
        defaults:
          workers: "{{ facts.cpus }}"
        resources:
          - file: /etc/nginx/workers.conf
            content: "worker_processes {{ workers }};\\n"
      ssh:
        resources:
          - file: /etc/ssh/sshd_config.d/kex.conf
            content: "{% if facts.packages['openssh-server']|default:'' %}# OpenSSH {{ facts.packages['openssh-server']|default:'' }}{% endif %}\\nKexAlgorithms curve25519-sha256\\n"
          - sysctl: vm.min_free_kbytes
            value: "{{ facts.memory_mb|int }}"
          - mysql_user: app
            host: localhost
            max_connections: "{{ facts.cpus }}"
          - file: /etc/motd
            content: "plain\\n"
    plays:
      - { name: web, hosts: webservers, roles: [web, ssh] }
    """

    static func compile(facts: [String: TemplateFacts] = [:]) throws -> Catalog {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-facts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("playbooks"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "hosts:\n  web1: { address: 10.0.0.11 }\ngroups:\n  webservers: { hosts: [web1] }\n"
            .write(to: folder.appendingPathComponent("inventory.yml"), atomically: true, encoding: .utf8)
        try Self.playbook.write(to: folder.appendingPathComponent("playbooks/site.yml"), atomically: true, encoding: .utf8)
        let project = try Project.load(inventory: folder.appendingPathComponent("inventory.yml").path,
                                       playbook: folder.appendingPathComponent("playbooks/site.yml").path)
        return try CatalogCompiler(inventory: project.inventory, playbook: project.playbook, templates: project.templates).compile(facts: facts)
    }

    static func content(_ catalog: HostCatalog, _ path: String) -> String? {
        guard case .file(let file)? = catalog.resource(.file(path))?.spec, case .content(let text)? = file.source else { return nil }
        return text.redacted
    }

    @Test func templatesDefaultsAndFieldsReadTheFactsTheyAreGiven() throws {
        let facts = TemplateFacts(osID: "debian", osVersion: "12", osFamily: "debian", osCodename: "bookworm", arch: "amd64",
                                  cpus: 8, memoryMB: 16000, packages: ["openssh-server": "1:9.2p1-2+deb12u3"])
        let web1 = try #require(try Self.compile(facts: ["web1": facts])["web1"])
        #expect(Self.content(web1, "/etc/nginx/workers.conf") == "worker_processes 8;\n", "a default built from facts")
        #expect(Self.content(web1, "/etc/ssh/sshd_config.d/kex.conf")?.hasPrefix("# OpenSSH 1:9.2p1-2+deb12u3\n") == true)
        guard case .sysctl(let sysctl)? = web1.resource(ResourceID(.sysctl, "vm.min_free_kbytes"))?.spec,
              case .mysqlUser(let user)? = web1.resources.first(where: { $0.id.kind == .mysqlUser })?.spec else { Issue.record("missing"); return }
        #expect(sysctl.value == "16000")
        #expect(user.maxConnections == 8, "a typed field from a fact")
        #expect(web1.templateFacts == facts)
        #expect(web1.factPackages == ["openssh-server"], "a package a template reads is asked for, declared or not")
        #expect(Set(web1.factDependent.map(\.description)) == ["file:/etc/nginx/workers.conf", "file:/etc/ssh/sshd_config.d/kex.conf",
                                                              "sysctl:vm.min_free_kbytes", "mysql_user:app@localhost"])
    }

    @Test func beforeTheFactsAreKnownTheBaselineIsUsed() throws {
        let web1 = try #require(try Self.compile()["web1"])
        #expect(Self.content(web1, "/etc/nginx/workers.conf") == "worker_processes \(TemplateFacts.baseline.cpus);\n")
        #expect(Self.content(web1, "/etc/ssh/sshd_config.d/kex.conf") == "\nKexAlgorithms curve25519-sha256\n", "not installed: undefined, so the default")
        #expect(web1.templateFacts == .baseline)
    }

    @Test func aCatalogThatReadsNoFactsSaysSo() throws {
        let catalog = try ConditionCatalogTests.compile("""
        name: plain
        roles:
          r: { resources: [ { package: nginx, when: "facts.cpus >= 2" } ] }
        plays:
          - { name: p, hosts: webservers, roles: [r] }
        """)
        #expect(catalog.hosts.allSatisfy { $0.templateFacts == nil && $0.factDependent.isEmpty }, "conditions over facts are the planner's")
    }
}

/// Loops over what the host has: one resource per local account its facts list.
struct FactLoopCatalogTests {
    @Test func everySystemAccountGetsTheNologinShell() throws {
        let (project, folder) = try Self.project("""
        name: hardening
        roles:
          accounts:
            defaults: { login_accounts: [sync] }
            resources:
              - user: "{{ item.name }}"
                shell: /usr/sbin/nologin
                loop: "{{ facts.users }}"
                when: item.uid >= 1 and item.uid < 1000 and item.name not in login_accounts
        plays:
          - { name: base, hosts: webservers, roles: [accounts] }
        """)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Before the facts are gathered: no accounts known, no copies — but the catalog says it read them.
        let first = try #require(try project.compile()["web1"])
        #expect(first.resources.isEmpty && first.templateFacts != nil && first.factKeys == ["users"])
        var facts = TemplateFacts.baseline
        facts.users = [.init(name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash"),
                       .init(name: "daemon", uid: 1, gid: 1, home: "/usr/sbin", shell: "/usr/sbin/nologin"),
                       .init(name: "sync", uid: 4, gid: 65534, home: "/bin", shell: "/bin/sync"),
                       .init(name: "www-data", uid: 33, gid: 33, home: "/var/www", shell: "/bin/sh"),
                       .init(name: "deploy", uid: 1000, gid: 1000, home: "/home/deploy", shell: "/bin/bash")]
        let web1 = try project.compile(host: "web1", facts: facts)
        #expect(web1.resources.map(\.id.description) == ["user:daemon", "user:www-data"])
        #expect(Set(web1.factDependent) == Set(web1.resources.map(\.id)))
    }

    static func project(_ playbook: String) throws -> (Project, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("playbooks"), withIntermediateDirectories: true)
        try "hosts:\n  web1: { address: 10.0.0.11 }\ngroups:\n  webservers: { hosts: [web1] }\n"
            .write(to: folder.appendingPathComponent("inventory.yml"), atomically: true, encoding: .utf8)
        try playbook.write(to: folder.appendingPathComponent("playbooks/site.yml"), atomically: true, encoding: .utf8)
        let project = try Project.load(inventory: folder.appendingPathComponent("inventory.yml").path,
                                       playbook: folder.appendingPathComponent("playbooks/site.yml").path)
        return (project, folder)
    }

    static let cronFiles: [TemplateFacts.FoundFile] = [
        .init(path: "/etc/cron.d", type: .directory, owner: "root", group: "root", mode: "0755", size: 4096),
        .init(path: "/etc/cron.daily", type: .directory, owner: "root", group: "root", mode: "0755", size: 4096),
        .init(path: "/etc/crontab", type: .file, owner: "root", group: "root", mode: "0644", size: 1042),
    ]

    @Test func cronsFilesFromAGlobEachByItsType() throws {
        let (project, folder) = try Self.project("""
        name: hardening
        roles:
          cron:
            resources:
              - directory: "{{ item.path }}"
                mode: go-rwx
                loop: "{{ facts.glob['/etc/cron*'] }}"
                when: item.type == 'directory'
              - file: "{{ item.path }}"
                state: present
                mode: go-rwx
                loop: ["{{ facts.glob['/etc/cron*'] }}", '{{ facts.glob["/etc/at.*"] }}']
                when: item.type == 'file'
              - file: /etc/motd
                content: "{% for f in facts.glob['/etc/cron*'] %}{{ f.name }} {% endfor %}\\n"
        plays:
          - { name: base, hosts: webservers, roles: [cron] }
        """)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Before the host is asked: the globs list nothing, and the catalog says which to list.
        let first = try #require(try project.compile()["web1"])
        #expect(first.resources.map(\.id.description) == ["file:/etc/motd"])
        #expect(first.factGlobs == ["/etc/at.*", "/etc/cron*"] && first.factKeys == ["glob"] && first.templateFacts != nil)
        // Offline nothing is known of the host's files: said, not hidden.
        let (_, offline) = HostPlanner.plan(catalog: first, facts: .freshDebian12(for: first))
        #expect(offline.map(\.description) == ["web1: warning: facts.glob['/etc/at.*'] lists nothing offline: what it matches is known after apply",
                                                "web1: warning: facts.glob['/etc/cron*'] lists nothing offline: what it matches is known after apply"])
        var facts = TemplateFacts.baseline
        facts.glob = ["/etc/cron*": Self.cronFiles, "/etc/at.*": []]
        let web1 = try project.compile(host: "web1", facts: facts)
        #expect(web1.resources.map(\.id.description) == ["directory:/etc/cron.d", "directory:/etc/cron.daily", "file:/etc/crontab", "file:/etc/motd"])
        #expect(FactsInTemplatesCatalogTests.content(web1, "/etc/motd") == "cron.d cron.daily crontab \n")
        #expect(Set(web1.factDependent) == Set(web1.resources.map(\.id)))
    }

    @Test func hardenedOptionsForWhateverIsMountedOfAMap() throws {
        let (project, folder) = try Self.project("""
        name: hardening
        roles:
          mounts:
            defaults:
              hardened: { /tmp: "rw,nosuid,nodev,noexec", /home: "rw,nosuid,nodev", /dev/shm: "rw,nosuid,nodev,noexec" }
            resources:
              - mount: "{{ item.path }}"
                src: "{{ item.device }}"
                fstype: "{{ item.fstype }}"
                opts: "{{ hardened[item.path] }}"
                loop: "{{ facts.mounts }}"
                when: item.path in hardened and 'noexec' not in item.options
        plays:
          - { name: base, hosts: webservers, roles: [mounts] }
        """)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try #require(try project.compile()["web1"]).factKeys == ["mounts"])
        var facts = TemplateFacts.baseline
        facts.mounts = [.init(device: "/dev/vda1", path: "/", fstype: "ext4", options: ["rw", "relatime"]),
                        .init(device: "/dev/vdb1", path: "/home", fstype: "ext4", options: ["rw", "relatime"]),
                        .init(device: "tmpfs", path: "/tmp", fstype: "tmpfs", options: ["rw", "nosuid", "nodev", "noexec"]),
                        .init(device: "tmpfs", path: "/dev/shm", fstype: "tmpfs", options: ["rw", "nosuid", "nodev"])]
        let web1 = try project.compile(host: "web1", facts: facts)
        let mounts = web1.resources.compactMap { r -> MountResource? in if case .mount(let m) = r.spec { m } else { nil } }
        #expect(mounts.map(\.path) == ["/home", "/dev/shm"], "only what is mounted, in the map, and not yet noexec")
        #expect(mounts.first?.source == "/dev/vdb1" && mounts.first?.options == "rw,nosuid,nodev" && mounts.last?.fstype == "tmpfs")
    }

    @Test func aGlobThatIsNotAnAbsolutePathIsAnErrorAtTheLoop() throws {
        let (project, folder) = try Self.project("""
        name: hardening
        roles:
          cron:
            resources:
              - file: "{{ item.path }}"
                state: present
                loop: "{{ facts.glob['etc/cron.d/*'] }}"
              - file: /etc/motd
                content: "{{ facts.glob['cron*']|length }}"
        plays:
          - { name: base, hosts: webservers, roles: [cron] }
        """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: DiagnosticError.self) { try project.compile() }
        let messages = error?.diagnostics.map(\.description) ?? []
        #expect(messages.contains { $0.contains("site.yml:7:") && $0.contains("the glob 'etc/cron.d/*' is not an absolute path") }, "\(messages)")
        #expect(messages.contains { $0.contains("site.yml:9:") && $0.contains("the glob 'cron*' is not an absolute path") }, "\(messages)")
    }
}
