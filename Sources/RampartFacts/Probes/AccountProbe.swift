import RampartModel

/// Users the catalog names (`getent passwd`) and the whole group database (for membership).
enum AccountProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        var users: [String] = [], shadowed: [String] = [], hashed: [String] = []
        var wantsGroups = false
        for resource in catalog.resources {
            switch resource.spec {
            case .user(let u):
                users.append(u.name); wantsGroups = true
                if u.managesShadow { shadowed.append(u.name) }
                if u.password != nil { hashed.append(u.name) }
            case .group: wantsGroups = true
            default: continue
            }
        }
        let listsAll = catalog.factKeys.contains(TemplateFacts.usersKey)
        guard wantsGroups || listsAll else { return nil }
        // `facts.users` lists every account (the named ones among them); else only the named.
        let script = (listsAll ? "getent passwd 2>/dev/null | sed 's/^/P|/'\n"
                        : users.isEmpty ? "" : "getent passwd -- \(Sh.words(users)) 2>/dev/null | sed 's/^/P|/'\n")
            + "getent group 2>/dev/null | sed 's/^/G|/'\n"
            // The hash goes through the shell's own printf into sha256sum (only for accounts whose
            // password is managed: one process each): never in an argument list, never sent.
            + (shadowed.isEmpty ? "" : "getent shadow -- \(Sh.words(shadowed)) 2>/dev/null | while IFS=: read -r n h l mi ma w r; do k=0; case \"$h\" in '!'*) k=1; h=${h#!} ;; esac; "
               + "s=-; " + (hashed.isEmpty ? "" : "case \"$n\" in \(hashed.map(Sh.q).joined(separator: "|"))) s=$(printf %s \"$h\" | sha256sum) ;; esac; ")
               + "printf 'W|%s|%s|%s|%s|%s|%s\\n' \"$n\" \"$k\" \"${s%% *}\" \"$mi\" \"$ma\" \"$w\"; done\n")
            + "true"
        let named = Set(users)
        return ProbeSection(name: "accounts", script: script) { output, facts in
            var passwd: [(String, Int, Int, String, String)] = []
            var shadows: [String: ShadowFact] = [:]
            for line in output.split(separator: "\n") {
                if line.hasPrefix("W|") {
                    let f = line.dropFirst(2).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    if f.count == 6 {
                        shadows[f[0]] = ShadowFact(passwordSHA256: f[2], locked: f[1] == "1", minDays: Int(f[3]), maxDays: Int(f[4]), warnDays: Int(f[5]))
                    }
                    continue
                }
                let kind = line.prefix(2)
                let rest = line.dropFirst(2).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                if kind == "P|", rest.count >= 7, let uid = Int(rest[2]), let gid = Int(rest[3]) {
                    passwd.append((rest[0], uid, gid, rest[5], rest[6]))
                } else if kind == "G|", rest.count >= 4, let gid = Int(rest[2]) {
                    facts.groups[rest[0]] = GroupFact(gid: gid, members: rest[3].split(separator: ",").map(String.init).sorted())
                }
            }
            for (name, uid, gid, home, shell) in passwd where !listsAll || named.contains(name) {
                let groups = facts.groups.filter { $0.value.members.contains(name) }.map(\.key).sorted()
                facts.users[name] = UserFact(uid: uid, gid: gid, home: home, shell: shell, groups: groups, shadow: shadows[name])
            }
            if listsAll {
                facts.localUsers = passwd.map { TemplateFacts.LocalAccount(name: $0.0, uid: $0.1, gid: $0.2, home: $0.3, shell: $0.4) }
            }
        }
    }
}
