import RampartBasics
import RampartModel

/// Type, owner, group, mode, size and link target of every path the catalog touches (one
/// `find -maxdepth 0`), SHA-256 of managed file contents (one `sha256sum`), and the current
/// content of those that differ from the desired content and hold no secret (base64, for diffs).
enum FileProbe: FactProbe {
    /// Largest file whose old content is fetched for a diff.
    static let diffLimit = 256 * 1024

    static func section(for catalog: HostCatalog) -> ProbeSection? {
        var paths: [String] = []
        var hashed: [String] = []
        var desired: [String: String] = [:]   // path → wanted sha256, for non-sensitive content only
        var edited: [String] = []   // content always fetched (an edit starts from it)
        func add(_ path: String) { if !paths.contains(path) { paths.append(path) } }
        /// A file of Rampart's own making: its content known here (nil: only at planning, fetched to compare).
        func generated(_ path: String, _ content: String?) {
            add(path)
            hashed.append(path)
            if let content { desired[path] = sha256Hex(Array(content.utf8)) } else { edited.append(path) }
        }
        /// A file Rampart edits: its content is always fetched (the edit starts from it).
        func edits(_ path: String) {
            add(path)
            if !hashed.contains(path) { hashed.append(path); edited.append(path) }
        }
        /// A file whose hash alone is wanted (a download, an archive, its marker): content never fetched.
        func hashes(_ path: String) {
            add(path)
            if !hashed.contains(path) { hashed.append(path) }
        }
        for resource in catalog.resources {
            switch resource.spec {
            case .file(let f):
                add(f.path)
                if let from = f.copiedFrom { hashes(f.path); hashes(from) }
                if let content = f.content {
                    hashed.append(f.path)
                    if !content.isSensitive { desired[f.path] = sha256Hex(Array(content.revealed().utf8)) }
                }
            case .directory(let d): add(d.path)
            case .symlink(let s): add(s.path)
            case .sysctl(let s) where s.persist:
                let path = HostPaths.sysctlFile(s.key)
                add(path)
                hashed.append(path)
                desired[path] = sha256Hex(Array(HostPaths.sysctlContent(s.key, s.value).utf8))
            case .command(let c): if let creates = c.creates { add(creates) }
            case .systemdUnit(let u):
                add(u.path)
                if let content = u.content {
                    hashed.append(u.path)
                    if !content.isSensitive { desired[u.path] = sha256Hex(Array(content.revealed().utf8)) }
                }
            case .aptRepository(let r):
                guard r.state == .present else { add(r.sourcesPath); add(r.keyPath); continue }
                // The sources file names the host's codename when no suites are given: fetched to compare.
                generated(r.sourcesPath, r.suites.isEmpty ? nil : r.sources(codename: ""))
                if let key = r.keyText { generated(r.keyPath, key) }
            case .aptPreference(let p): if p.state == .present { generated(p.path, p.content) } else { add(p.path) }
            case .cron(let c): if c.state == .present { generated(c.path, c.content) } else { add(c.path) }
            case .pamLimits(let l): if l.state == .present { generated(l.path, l.content) } else { add(l.path) }
            case .timezone(let t):
                add(TimezoneResource.localtime)
                add(t.zoneinfo)
                generated(TimezoneResource.timezoneFile, t.name + "\n")
            case .kernelModule(let k):
                if let content = k.loadContent { generated(k.loadPath, content) } else { add(k.loadPath) }
                if let content = k.optionsContent { generated(k.optionsPath, content) } else { add(k.optionsPath) }
            case .download(let d): hashes(d.path)
            case .archive(let a):
                add(a.path)
                hashes(a.source)
                hashes(HostPaths.archiveMarker(a.path))
                if let creates = a.creates { add(creates) }
            case .certificate(let c):
                for path in [c.certificatePath, c.keyPath, c.caPath, c.bundlePath].compactMap({ $0 }) { add(path); hashed.append(path) }
            default:
                // line, block, ini, a mount's fstab entry.
                if let (path, _) = resource.spec.editedFile { edits(path) }
            }
        }
        // Files that `when:` conditions ask about (`facts.files['/etc/nginx/nginx.conf']`).
        for path in FactPaths.names("files", in: catalog.factConditions) { add(path) }
        guard !paths.isEmpty else { return nil }
        var script = ProbeLines.find(Sh.words(paths)) + "\n"
        if !hashed.isEmpty {
            let converged = desired.keys.sorted().map { Sh.q("\(desired[$0]!) \($0)") }
            let diffed = desired.keys.sorted().map { "*" + Sh.q(" \($0)") }
            let specs = EditMarkers.specs(catalog)
            let marked = edited.filter { desired[$0] == nil && specs[$0] != nil }
            let fetched = edited.filter { desired[$0] == nil && specs[$0] == nil }.map { "*" + Sh.q(" \($0)") }
            script += "sha256sum -- \(Sh.words(hashed)) 2>/dev/null | while read -r h p; do printf 'H|%s|%s\\n' \"$h\" \"$p\"\n"
            if !diffed.isEmpty || !fetched.isEmpty || !marked.isEmpty {
                // (A pattern nothing matches keeps a branch valid when it has no paths.)
                let none = ["'\\n'"]
                // A file gone since sha256sum read it prints nothing (not an empty old content).
                let fetch = { (limit: Int) in "s=$(stat -c %s -- \"$p\" 2>/dev/null) && [ \"$s\" -le \(limit) ] && c=$(base64 -w0 -- \"$p\" 2>/dev/null) && printf 'C|%s|%s\\n' \"$c\" \"$p\"" }
                script += "  case \"$h $p\" in \((converged.isEmpty ? none : converged).joined(separator: "|"))) ;;\n"
                script += "    \((fetched.isEmpty ? none : fetched).joined(separator: "|"))) \(fetch(FileFact.editLimit)) ;;\n"
                // An edited file its marker vouches for: `E|` instead of its content.
                for path in marked {
                    let marker = "[ \"$(cat \(Sh.q(HostPaths.editMarker(path))) 2>/dev/null)\" = \"\(specs[path]!) $h\" ]"
                    script += "    *\(Sh.q(" \(path)"))) if \(marker); then printf 'E|%s\\n' \"$p\"; else \(fetch(FileFact.editLimit)); fi ;;\n"
                }
                script += "    \((diffed.isEmpty ? none : diffed).joined(separator: "|"))) \(fetch(diffLimit)) ;; esac\n"
            }
            script += "done\n"
        }
        script += "true"
        let hashedPaths = hashed
        return ProbeSection(name: "files", script: script) { output, facts in
            var hashes: [String: String] = [:]
            var contents: [String: [UInt8]] = [:]
            for line in output.split(separator: "\n") {
                switch line.prefix(2) {
                case "S|":
                    if let (path, fact) = ProbeLines.file(line.dropFirst(2)) { facts.files[path] = fact }
                case "H|":
                    let f = Sh.fields(line.dropFirst(2), 2)
                    if f.count == 2 { hashes[f[1]] = f[0] }
                case "E|": facts.unchangedEdits.append(String(line.dropFirst(2)))
                case "C|":
                    let f = Sh.fields(line.dropFirst(2), 2)
                    // Content first: base64 never holds `|`, a path may.
                    if f.count == 2, let data = Data(base64Encoded: f[0]) { contents[f[1]] = Array(data) }
                default: continue
                }
            }
            for (path, hash) in hashes { facts.files[path]?.sha256 = hash }
            // A regular file `find` saw that `sha256sum` then could not read vanished in between:
            // the later look wins, so it is absent (not a file with unknown content).
            for path in hashedPaths where facts.files[path]?.kind == .regular && hashes[path] == nil { facts.files[path] = nil }
            for (path, content) in contents { facts.files[path]?.content = content }
        }
    }
}

import Foundation
