import RampartFacts
import RampartModel

/// Key pairs made on the host by `ssh-keygen` (the private key never reaches the control node):
/// made when missing, made again when of another type or size (the old pair kept in the backup
/// folder), the public half derived again when missing or not matching, then owner and modes.
enum SSHKeyPairPlanner {
    static func plan(_ k: SSHKeyPairResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let fact = context.facts.sshKeyPairs?[k.path] ?? SSHKeyPairFact()
        let p = Script.q(k.path), pub = Script.q(k.publicPath)
        if k.state == .absent {
            guard fact.privateKey != nil || fact.publicKey != nil else { return [] }
            return [Step([id], .delete, summary: "remove the key pair (a copy is kept in \(FilePlanner.backupRoot))",
                         script: Script.make(converged: "[ ! -e \(p) ] && [ ! -e \(pub) ]", change: backup(k) + "\nrm -f \(p) \(pub)"))]
        }
        if context.facts.sshKeygen == false && !context.facts.assumed
            && !context.installing.contains(where: { $0 == "openssh-client" || $0 == "openssh-server" }) {
            context.error("ssh-keygen is not installed on this host", hint: "add `package: openssh-client` before this key pair", resource: id)
            return []
        }
        if let kind = fact.privateKey?.kind, kind != .regular {
            context.error("\(k.path) is a \(kind.rawValue), not a private key file", hint: "remove it, or choose another path", resource: id)
            return []
        }
        if fact.privateKey != nil && fact.unreadable {
            context.error("\(k.path) is not a key Rampart can read without a passphrase", hint: "remove it to have a new pair made, or manage it another way", resource: id)
            return []
        }
        let wanted = "\(k.wantedBits) (\(k.type.listed))"
        let publicHalf = SSHKeyPairProbe.publicHalf(p)
        let listed = "[ \"$(\(publicHalf) | ssh-keygen -l -f - 2>/dev/null | awk '{print $1, $NF}')\" = \(Script.q(wanted)) ]"
        let keygen = ["rm -f \(pub)",
                      "ssh-keygen -q -t \(k.type.rawValue)" + (k.type == .ed25519 ? "" : " -b \(k.wantedBits)") + " -N ''"
                          + (k.comment.map { " -C \(Script.q($0))" } ?? "") + " -f \(p) </dev/null"]
        let settle = ["chown \(Script.q(k.owner + ":" + k.group)) \(p) \(pub)", "chmod \(k.mode) \(p)", "chmod 0644 \(pub)"]
        let pair = "\(k.type.rawValue) \(k.wantedBits)"
        guard fact.privateKey != nil else {
            return [Step([id], .create, summary: "\(pair) key pair made on the host, \(FilePlanner.metadataText(k.owner, k.group, k.mode))",
                         script: Script.make(converged: "[ -e \(p) ]", change: (keygen + settle).joined(separator: "\n")))]
        }
        if fact.type != k.type.listed || fact.bits != k.wantedBits {
            let had = "\(fact.type?.lowercased() ?? "?") \(fact.bits.map(String.init) ?? "?")"
            return [Step([id], .update, summary: "\(had) → \(pair): a new key pair (the old one kept in \(FilePlanner.backupRoot)), fingerprint known after apply",
                         script: Script.make(converged: listed, change: ([backup(k), "rm -f \(p)"] + keygen + settle).joined(separator: "\n")))]
        }
        var steps: [Step] = []
        let remakesPublic = fact.publicKey == nil || !fact.publicMatches
        if remakesPublic {
            let why = fact.publicKey == nil ? "missing" : "not the private key's"
            let derive = "\(publicHalf) > \(pub).rampart-tmp && [ -s \(pub).rampart-tmp ] && mv -f \(pub).rampart-tmp \(pub)"
            steps.append(Step([id], .update, summary: "public key \(k.publicPath) (\(why)) derived again from the private key",
                              script: Script.make(converged: "[ -f \(pub) ] && [ \"$(\(publicHalf) | cut -d' ' -f1,2)\" = \"$(head -n 1 \(pub) | cut -d' ' -f1,2)\" ]",
                                                  change: ([derive] + settle).joined(separator: "\n"))))
        }
        // Owner and modes of both files (a public half made again above gets them there).
        if let priv = fact.privateKey {
            steps += FilePlanner.metadataSteps(priv, k.path, id, k.owner, k.group, k.mode)
        }
        if let publicKey = fact.publicKey, !remakesPublic {
            steps += FilePlanner.metadataSteps(publicKey, k.publicPath, id, k.owner, k.group, "0644")
        }
        return steps
    }

    /// Copies of both halves in Rampart's backup folder, as a replaced file's.
    static func backup(_ k: SSHKeyPairResource) -> String {
        [k.path, k.publicPath].map(FilePlanner.keepCopy(of:)).joined(separator: "\n")
    }
}
