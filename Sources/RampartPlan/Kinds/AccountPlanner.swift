import RampartFacts
import RampartModel

/// Local users and groups, through useradd/usermod/userdel and groupadd/groupmod/groupdel.
enum AccountPlanner {
    /// Debian's UID_MIN (/etc/login.defs): accounts below it are system accounts.
    static let firstRegularUID = 1000

    static func plan(user u: UserResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let name = Script.q(u.name)
        let fact = context.facts.users[u.name]
        if u.state == .absent {
            guard fact != nil else { return [] }
            return [Step([id], .delete, summary: "delete user \(u.name) (home kept)",
                         script: Script.make(converged: "! getent passwd \(name) >/dev/null", change: "userdel \(name)"))]
        }
        guard let fact else {
            var args = ["useradd"]
            if u.system { args.append("--system") }
            if let uid = u.uid { args += ["--uid", String(uid)] }
            if let group = u.group { args += ["--gid", Script.q(group)] }
            if !u.groups.isEmpty { args += ["--groups", Script.q(u.groups.joined(separator: ","))] }
            if let home = u.home { args += ["--home-dir", Script.q(home)] }
            if !u.system || u.home != nil { args.append("--create-home") }
            if let shell = u.shell { args += ["--shell", Script.q(shell)] }
            args.append(name)
            let note = context.userComesFrom(u.name).map { "user created by package:\($0); Rampart adjusts it" }
            return [Step([id], .create, summary: ["user", u.uid.map { "uid \($0)" }, u.group.map { "group \($0)" }, u.shell].compactMap { $0 }.joined(separator: ", "),
                         script: Script.make(converged: "getent passwd \(name) >/dev/null", change: args.joined(separator: " ")), note: note)]
        }
        var changes: [String] = [], args: [String] = [], checks: [String] = []
        if let uid = u.uid, uid != fact.uid {
            changes.append("uid \(fact.uid) → \(uid)"); args += ["--uid", String(uid)]; checks.append("[ \"$(id -u \(name))\" = \(uid) ]")
        }
        if let group = u.group, context.facts.groups[group]?.gid != fact.gid {
            changes.append("primary group → \(group)"); args += ["--gid", Script.q(group)]; checks.append("[ \"$(id -gn \(name))\" = \(Script.q(group)) ]")
        }
        let wantedGroups = u.groups.sorted()
        if wantedGroups != fact.groups && !(u.groups.isEmpty && resourceLeavesGroups(resource)) {
            changes.append("groups [\(fact.groups.joined(separator: ","))] → [\(wantedGroups.joined(separator: ","))]")
            args += ["--groups", Script.q(wantedGroups.joined(separator: ","))]
            checks.append("false")
        }
        if let home = u.home, home != fact.home {
            changes.append("home \(fact.home) → \(home)"); args += ["--home", Script.q(home), "--move-home"]; checks.append("[ \"$(getent passwd \(name) | cut -d: -f6)\" = \(Script.q(home)) ]")
        }
        if let shell = u.shell, shell != fact.shell {
            changes.append("shell \(fact.shell) → \(shell)"); args += ["--shell", Script.q(shell)]; checks.append("[ \"$(getent passwd \(name) | cut -d: -f7)\" = \(Script.q(shell)) ]")
        }
        guard !changes.isEmpty else { return [] }
        return [Step([id], .update, summary: changes.joined(separator: ", "),
                     script: Script.make(converged: checks.contains("false") ? nil : checks.joined(separator: " && "),
                                         change: "usermod \(args.joined(separator: " ")) \(name)"))]
    }

    /// A user declared without `groups` keeps whatever supplementary groups it has.
    static func resourceLeavesGroups(_ resource: Resource) -> Bool {
        resource.declared.fields["groups"] == nil
    }

    static func plan(group g: UnixGroupResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let name = Script.q(g.name)
        let fact = context.facts.groups[g.name]
        if g.state == .absent {
            guard fact != nil else { return [] }
            return [Step([id], .delete, summary: "delete group \(g.name)",
                         script: Script.make(converged: "! getent group \(name) >/dev/null", change: "groupdel \(name)"))]
        }
        guard let fact else {
            var args = ["groupadd"]
            if g.system { args.append("--system") }
            if let gid = g.gid { args += ["--gid", String(gid)] }
            return [Step([id], .create, summary: ["group", g.gid.map { "gid \($0)" }, g.system ? "system" : nil].compactMap { $0 }.joined(separator: ", "),
                         script: Script.make(converged: "getent group \(name) >/dev/null", change: (args + [name]).joined(separator: " ")))]
        }
        if let gid = g.gid, gid != fact.gid {
            return [Step([id], .update, summary: "gid \(fact.gid) → \(gid)",
                         script: Script.make(converged: "[ \"$(getent group \(name) | cut -d: -f3)\" = \(gid) ]", change: "groupmod --gid \(gid) \(name)"))]
        }
        return []
    }
}
