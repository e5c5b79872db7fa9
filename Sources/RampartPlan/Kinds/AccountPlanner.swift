import RampartBasics
import RampartFacts
import RampartModel

/// Local users and groups, through useradd/usermod/userdel and groupadd/groupmod/groupdel.
enum AccountPlanner {
    /// Debian's UID_MIN (/etc/login.defs): accounts below it are system accounts.
    static let firstRegularUID = 1000

    static func plan(user u: UserResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let steps = accountSteps(u, resource, &context)
        guard u.state == .present, u.managesShadow else { return steps }
        return steps + shadowSteps(u, resource.id, context.facts.users[u.name]?.shadow, &context)
    }

    /// Password, lock and ageing: what differs from the account's /etc/shadow entry (all of them
    /// for an account this plan creates). The hash travels on stdin to `chpasswd -e`, as a
    /// sensitive payload: never in an argument list or a plan file.
    static func shadowSteps(_ u: UserResource, _ id: ResourceID, _ shadow: ShadowFact?, _ context: inout PlanContext) -> [Step] {
        var steps: [Step] = []
        let name = Script.q(u.name)
        var passwordChanged = false
        if let password = u.password, shadow?.passwordSHA256 != sha256Hex(Array(password.revealed().utf8)) {
            let line = SensitiveText(secret: Secret(u.name + ":" + password.revealed() + "\n"))
            steps.append(Step([id], .update, summary: "set password (sensitive)",
                              script: Script.make(converged: nil, change: "chpasswd -e"), payload: context.payload(line, key: "user:\(u.name):password")))
            passwordChanged = true
        }
        // chpasswd leaves the account unlocked: a lock is set again after it.
        if let lock = u.passwordLock, shadow?.locked != lock || (lock && passwordChanged) {
            let check = "getent shadow \(name) | cut -d: -f2 | grep -q \(lock ? "'^!'" : "-v '^!'")"
            steps.append(Step([id], .update, summary: lock ? "lock the password" : "unlock the password",
                              script: Script.make(converged: check, change: "usermod \(lock ? "-L" : "-U") \(name)")))
        }
        var ageing: [String] = [], args: [String] = [], fields: [(Int, Int)] = []
        for (flag, field, wanted, current, label) in [("-m", 4, u.passwordExpireMin, shadow?.minDays, "min"),
                                                      ("-M", 5, u.passwordExpireMax, shadow?.maxDays, "max"),
                                                      ("-W", 6, u.passwordExpireWarn, shadow?.warnDays, "warn")] {
            guard let wanted, wanted != current else { continue }
            ageing.append("\(label) \(current.map(String.init) ?? "unset") → \(wanted)")
            args += [flag, String(wanted)]
            fields.append((field, wanted))
        }
        if !ageing.isEmpty {
            let check = fields.map { "[ \"$(getent shadow \(name) | cut -d: -f\($0.0))\" = \($0.1) ]" }.joined(separator: " && ")
            steps.append(Step([id], .update, summary: "password ageing: " + ageing.joined(separator: ", "),
                              script: Script.make(converged: check, change: "chage \(args.joined(separator: " ")) \(name)")))
        }
        return steps
    }

    static func accountSteps(_ u: UserResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
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
