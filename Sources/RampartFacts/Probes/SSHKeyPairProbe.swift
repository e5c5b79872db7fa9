import RampartModel

/// The key pairs the catalog names: both files' metadata, and what the private key itself is
/// (its public half derived by `ssh-keygen -y`, then listed: bits, fingerprint, type) — never
/// the key's bytes. An empty passphrase is given so that a protected key fails instead of asking.
public enum SSHKeyPairProbe: FactProbe {
    /// Shell printing the public half of the private key at `quotedPath`, derived by the host's
    /// ssh-keygen. The key goes through a pipe because ssh-keygen refuses to read a key file its
    /// owner shares with a group (0640, for a service's group), and an empty passphrase is given
    /// so that a protected key fails instead of asking. The planner's steps use it too.
    public static func publicHalf(_ quotedPath: String) -> String {
        "cat \(quotedPath) 2>/dev/null | ssh-keygen -y -P '' -f /dev/stdin 2>/dev/null"
    }


    public static func section(for catalog: HostCatalog) -> ProbeSection? {
        let keys = catalog.resources.compactMap { r -> SSHKeyPairResource? in if case .sshKeypair(let k) = r.spec { k } else { nil } }
        guard !keys.isEmpty else { return nil }
        var script = "command -v ssh-keygen >/dev/null 2>&1 && printf 'k|1\\n'\n"
        for (index, key) in keys.enumerated() {
            let p = Sh.q(key.path), pub = Sh.q(key.publicPath)
            script += ProbeLines.find("\(p) \(pub)") + "\n"
            script += """
            if [ -f \(p) ]; then
              y=$(\(publicHalf(p)) | head -n 1)
              if [ -n "$y" ]; then
                printf 'L|\(index)|%s\\n' "$(printf '%s\\n' "$y" | ssh-keygen -l -f - 2>/dev/null)"
                [ -f \(pub) ] && [ "$(printf '%s\\n' "$y" | cut -d' ' -f1,2)" = "$(head -n 1 \(pub) | cut -d' ' -f1,2)" ] && printf 'M|\(index)\\n'
              else
                printf 'U|\(index)\\n'
              fi
            fi

            """
        }
        script += "true"
        let paths = keys.map(\.path)
        return ProbeSection(name: "keypairs", script: script) { output, facts in
            var pairs: [String: SSHKeyPairFact] = Dictionary(uniqueKeysWithValues: paths.map { ($0, SSHKeyPairFact()) })
            var files: [String: FileFact] = [:]
            var keygen = false
            for line in output.split(separator: "\n") {
                let tag = line.prefix(2)
                if line == "k|1" { keygen = true; continue }
                if tag == "S|", let (path, fact) = ProbeLines.file(line.dropFirst(2)) { files[path] = fact; continue }
                let f = line.dropFirst(2).split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                guard let index = f.first.flatMap({ Int($0) }), paths.indices.contains(index) else { continue }
                let path = paths[index]
                switch tag {
                case "L|" where f.count == 2:
                    // `256 SHA256:… comment (ED25519)`
                    let words = f[1].split(separator: " ")
                    guard words.count >= 3, let bits = Int(words[0]), let last = words.last, last.hasPrefix("("), last.hasSuffix(")") else {
                        pairs[path]?.unreadable = true
                        continue
                    }
                    pairs[path]?.bits = bits
                    pairs[path]?.fingerprint = String(words[1])
                    pairs[path]?.type = String(last.dropFirst().dropLast())
                case "M|": pairs[path]?.publicMatches = true
                case "U|": pairs[path]?.unreadable = true
                default: continue
                }
            }
            for path in paths {
                pairs[path]?.privateKey = files[path]
                pairs[path]?.publicKey = files[path + ".pub"]
            }
            facts.sshKeyPairs = pairs
            facts.sshKeygen = keygen
        }
    }
}
