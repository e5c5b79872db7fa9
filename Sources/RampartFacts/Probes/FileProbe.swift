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
        var edited: [String] = []   // files Rampart edits: their content is always fetched (the edit starts from it)
        func add(_ path: String) { if !paths.contains(path) { paths.append(path) } }
        for resource in catalog.resources {
            switch resource.spec {
            case .file(let f):
                add(f.path)
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
                for (path, content) in [(r.sourcesPath, r.suites.isEmpty ? nil : r.sources(codename: "")), (r.keyPath, r.keyText)] {
                    guard r.state == .present else { add(path); continue }
                    if path == r.keyPath && r.keyText == nil { continue }
                    add(path)
                    hashed.append(path)
                    // The sources file names the host's codename when no suites are given: fetched to compare.
                    if let content { desired[path] = sha256Hex(Array(content.utf8)) } else { edited.append(path) }
                }
            case .aptPreference(let p):
                add(p.path)
                if p.state == .present { hashed.append(p.path); desired[p.path] = sha256Hex(Array(p.content.utf8)) }
            case .cron(let c):
                add(c.path)
                if c.state == .present { hashed.append(c.path); desired[c.path] = sha256Hex(Array(c.content.utf8)) }
            case .pamLimits(let l):
                add(l.path)
                if l.state == .present { hashed.append(l.path); desired[l.path] = sha256Hex(Array(l.content.utf8)) }
            case .timezone(let t):
                add(TimezoneResource.localtime)
                add(t.zoneinfo)
                add(TimezoneResource.timezoneFile)
                hashed.append(TimezoneResource.timezoneFile)
                desired[TimezoneResource.timezoneFile] = sha256Hex(Array((t.name + "\n").utf8))
            case .ini(let i):
                add(i.path)
                if !hashed.contains(i.path) { hashed.append(i.path); edited.append(i.path) }
            case .line(let l):
                add(l.path)
                if !hashed.contains(l.path) { hashed.append(l.path); edited.append(l.path) }
            case .block(let b):
                add(b.path)
                if !hashed.contains(b.path) { hashed.append(b.path); edited.append(b.path) }
            case .certificate(let c):
                for path in [c.certificatePath, c.keyPath, c.caPath, c.bundlePath].compactMap({ $0 }) { add(path); hashed.append(path) }
            default: continue
            }
        }
        // Files that `when:` conditions ask about (`facts.files['/etc/nginx/nginx.conf']`).
        for path in FactPaths.names("files", in: catalog.resources) { add(path) }
        guard !paths.isEmpty else { return nil }
        var script = ProbeLines.find(Sh.words(paths)) + "\n"
        if !hashed.isEmpty {
            let converged = desired.keys.sorted().map { Sh.q("\(desired[$0]!) \($0)") }
            let fetchable = (desired.keys.sorted() + edited.filter { desired[$0] == nil }).map { "*" + Sh.q(" \($0)") }
            script += "sha256sum -- \(Sh.words(hashed)) 2>/dev/null | while read -r h p; do printf 'H|%s|%s\\n' \"$h\" \"$p\"\n"
            if !fetchable.isEmpty {
                // (A pattern nothing matches keeps the first branch valid when no content is desired.)
                script += "  case \"$h $p\" in \((converged.isEmpty ? ["'\\n'"] : converged).joined(separator: "|"))) ;; \(fetchable.joined(separator: "|")))\n"
                // A file gone since sha256sum read it prints nothing (not an empty old content).
                script += "    s=$(stat -c %s -- \"$p\" 2>/dev/null) && [ \"$s\" -le \(diffLimit) ] && c=$(base64 -w0 -- \"$p\" 2>/dev/null) && printf 'C|%s|%s\\n' \"$c\" \"$p\" ;; esac\n"
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
