import RampartModel

extension HostFacts {
    /// The facts a fresh Debian 12 server is known to have, for what `catalog` manages: the
    /// baseline packages, users, groups, boot services, kernel defaults and `/etc/motd`. Used by
    /// `rampart plan --offline` to review a deployment before the servers exist; `assumed` is set.
    public static func freshDebian12(for catalog: HostCatalog) -> HostFacts {
        var facts = HostFacts(host: catalog.host)
        facts.assumed = true
        facts.os = OperatingSystem(id: "debian", version: "12", codename: "bookworm")
        for (name, (uid, gid, home, shell)) in Debian12Baseline.users {
            let groups = Debian12Baseline.groups.filter { $0.value.1.contains(name) }.map(\.key).sorted()
            facts.users[name] = UserFact(uid: uid, gid: gid, home: home, shell: shell, groups: groups)
        }
        for (name, (gid, members)) in Debian12Baseline.groups { facts.groups[name] = GroupFact(gid: gid, members: members.sorted()) }
        if catalog.factKeys.contains(TemplateFacts.usersKey) {
            facts.localUsers = Debian12Baseline.users.map { name, user in
                TemplateFacts.LocalAccount(name: name, uid: user.0, gid: user.1, home: user.2, shell: user.3)
            }
        }
        if catalog.factKeys.contains(TemplateFacts.mountsKey) {
            facts.mountedFilesystems = Debian12Baseline.mounts.map {
                TemplateFacts.MountedFilesystem(device: $0.0, path: $0.1, fstype: $0.2, options: $0.3.split(separator: ",").map(String.init))
            }
        }
        // What a glob matches on a server not yet seen is unknown: it lists nothing offline.
        // openssh-server made the host keys when it was installed (fingerprints unknown).
        for resource in catalog.resources {
            guard case .sshKeypair(let pair) = resource.spec else { continue }
            var fact = SSHKeyPairFact()
            if let (type, bits) = Debian12Baseline.hostKeys[pair.path] {
                fact.privateKey = FileFact(kind: .regular, owner: "root", group: "root", mode: "0600", size: 0)
                fact.publicKey = FileFact(kind: .regular, owner: "root", group: "root", mode: "0644", size: 0)
                (fact.type, fact.bits, fact.publicMatches) = (type, bits, true)
            }
            facts.sshKeyPairs = (facts.sshKeyPairs ?? [:]).merging([pair.path: fact]) { _, new in new }
            facts.sshKeygen = true
        }
        if !catalog.factGlobs.isEmpty { facts.foundFiles = Dictionary(uniqueKeysWithValues: catalog.factGlobs.map { ($0, []) }) }
        for directory in ["/etc", "/srv", "/opt", "/var", "/var/lib", "/usr/local", "/home", "/root", "/tmp", "/run"] {
            facts.files[directory] = FileFact(kind: .directory, owner: "root", group: "root", mode: directory == "/tmp" ? "1777" : "0755", size: 4096)
        }
        let motd = Array(Debian12Baseline.motd.utf8)
        facts.files["/etc/motd"] = FileFact(kind: .regular, owner: "root", group: "root", mode: "0644", size: motd.count,
                                            sha256: sha256Hex(motd), content: motd)
        for resource in catalog.resources {
            switch resource.spec {
            case .package(let p):
                if let version = Debian12Baseline.packages[p.name] { facts.packages[p.name] = PackageFact(status: "ii", version: version) }
            case .service(let s):
                let state = Debian12Baseline.services[s.name] ?? ("not-found", "inactive", "")
                facts.services[s.name] = ServiceFact(loadState: state.0, activeState: state.1, unitFileState: state.2)
            case .sysctl(let s):
                if let value = Debian12Baseline.sysctls[s.key] { facts.sysctls[s.key] = value }
            case .command(let c):
                if c.unless != nil { facts.commandsDue[c.name] = true }
            default:
                continue
            }
        }
        return facts
    }
}
