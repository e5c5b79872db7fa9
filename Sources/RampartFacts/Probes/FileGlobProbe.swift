import RampartModel

/// The files each glob the catalog reads matches (`loop: "{{ facts.glob['/etc/cron.d/*'] }}"`),
/// expanded by the host's own shell — as `ls GLOB` would, so `*` skips dot files — and listed
/// by one `find -maxdepth 0` each (links not followed).
enum FileGlobProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let globs = catalog.factGlobs
        guard !globs.isEmpty else { return nil }
        // Each glob's lines follow a `G|index` line: the glob itself never has to be echoed back.
        let script = globs.enumerated().map { index, glob in
            "printf 'G|%s\\n' \(index)\n" + ProbeLines.find(word(glob))
        }.joined(separator: "\n") + "\ntrue"
        return ProbeSection(name: "globs", script: script) { output, facts in
            var current: String?
            var found: [String: [TemplateFacts.FoundFile]] = Dictionary(uniqueKeysWithValues: globs.map { ($0, []) })
            for line in output.split(separator: "\n") {
                if line.hasPrefix("G|"), let index = Int(line.dropFirst(2)), globs.indices.contains(index) {
                    current = globs[index]
                } else if line.hasPrefix("S|"), let current, let (path, fact) = ProbeLines.file(line.dropFirst(2)) {
                    let type: TemplateFacts.FoundFile.Kind = switch fact.kind {
                    case .regular: .file
                    case .directory: .directory
                    case .symlink: .link
                    default: .other
                    }
                    found[current, default: []].append(TemplateFacts.FoundFile(path: path, type: type, owner: fact.owner, group: fact.group,
                                                                               mode: fact.mode, size: fact.size))
                }
            }
            facts.foundFiles = found.mapValues { $0.sorted { $0.path < $1.path } }
        }
    }

    /// The glob as one shell word: its `*`, `?` and bracket expressions of plain characters
    /// unquoted (so the shell expands them), everything else quoted — a glob can never run a command.
    static func word(_ glob: String) -> String {
        var word = "", literal = ""
        func flush() { if !literal.isEmpty { word += Sh.q(literal); literal = "" } }
        let chars = Array(glob)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "*" || c == "?" {
                flush(); word.append(c)
            } else if c == "[", let close = chars[(i + 1)...].firstIndex(of: "]"), close > i + 1,
                      chars[(i + 1)..<close].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-!^".contains($0)) }) {
                flush(); word += String(chars[i...close]); i = close
            } else {
                literal.append(c)
            }
            i += 1
        }
        flush()
        return word
    }
}
