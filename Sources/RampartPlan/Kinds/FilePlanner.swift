import RampartBasics
import RampartFacts
import RampartModel

/// Regular files: content from the catalog, owner, group, mode. Written atomically — temp file
/// in the same folder → optional checker on it (`validate` with %s) → previous version kept in
/// /var/lib/rampart/backup → rename → in-place checker (`validate` without %s) restoring the
/// previous file if it fails.
enum FilePlanner {
    static let backupRoot = HostPaths.stateDirectory + "/backup"

    static func plan(_ f: FileResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let fact = context.facts.files[f.path]
        if f.state == .absent {
            guard let fact else {
                // A package this plan installs will ship it: remove it after the install.
                guard let package = context.fileComesFrom(f.path) else { return [] }
                var step = deleteStep(f.path, id)
                step.note = "shipped by package:\(package), which this plan installs"
                return [step]
            }
            guard fact.kind == .regular || fact.kind == .symlink else {
                context.error("\(f.path) is a \(fact.kind.rawValue), not a file", hint: "remove it by hand or manage it as a directory", resource: id)
                return []
            }
            return [deleteStep(f.path, id)]
        }
        if let fact, fact.kind != .regular {
            context.error("\(f.path) exists and is a \(fact.kind.rawValue), not a regular file",
                          hint: "remove it first, or manage it with the matching resource kind", resource: id)
            return []
        }
        if !f.replace, let fact {
            // Written once; from then on someone else's content, with the metadata it was given.
            return metadataSteps(fact, f.path, id, f.owner, f.group, wantedMode(f.mode, fact, fallback: "0644"))
        }
        if let from = f.copiedFrom { return copy(f, from: from, id, &context) }
        let shipped = fact == nil ? context.fileComesFrom(f.path) : nil
        let owner = f.owner ?? (fact == nil ? "root" : nil)
        let group = f.group ?? (fact == nil ? "root" : nil)
        let mode = wantedMode(f.mode, fact, fallback: "0644")

        guard let content = f.content else {
            // Metadata only: the file must exist.
            guard let fact else {
                if shipped != nil { return [metadataStep(f.path, id, owner, group, mode, summary: "set \(metadataText(owner, group, mode))", note: "file shipped by package:\(shipped!)")] }
                context.error("\(f.path) does not exist and the resource gives no content", hint: "add `content:` or `template:`", resource: id)
                return []
            }
            return metadataSteps(fact, f.path, id, owner, group, mode)
        }

        let bytes = Array(content.revealed().utf8)
        let wanted = sha256Hex(bytes)
        let payload: Payload = content.isSensitive ? .sensitive(sha256: wanted, path: f.path) : .text(content.revealed())
        if content.isSensitive { context.secretPayloads[f.path] = bytes }
        if let fact, fact.sha256 == wanted {
            return metadataSteps(fact, f.path, id, owner, group, mode)
        }
        var diff: String
        var note: String?
        if content.isSensitive {
            diff = fact == nil ? "(sensitive content: \(bytes.count) bytes)" : "(sensitive content changed)"
        } else if let old = fact?.content {
            diff = UnifiedDiff.make(old: String(decoding: old, as: UTF8.self), new: content.redacted, path: f.path)
        } else if fact != nil {
            diff = "(current content not shown: larger than \(256) KiB or unreadable)"
        } else {
            diff = UnifiedDiff.make(old: "", new: content.redacted, path: f.path)
        }
        if let shipped {
            note = "replaces the file shipped by package:\(shipped) (its content is known after apply)"
            diff = UnifiedDiff.make(old: "", new: content.redacted, path: f.path)
        }
        var changes = fact == nil ? ["\(bytes.count) bytes, \(metadataText(owner, group, mode))"] : ["content"]
        if let fact { changes += metadataChanges(fact, owner, group, mode) }
        return [Step([id], fact == nil && shipped == nil ? .create : .update, summary: changes.joined(separator: ", "), diff: diff,
                     script: writeScript(f, sha256: wanted, owner: owner, group: group, mode: mode,
                                         keepOriginal: fact != nil && !context.facts.manifest.contains { $0.id == id.description }, context),
                     payload: payload, note: note)]
    }

    static func statString(_ owner: String?, _ group: String?, _ mode: String?) -> (format: String, value: String) {
        var format: [String] = [], value: [String] = []
        if let owner { format.append("%U"); value.append(owner) }
        if let group { format.append("%G"); value.append(group) }
        if let mode { format.append("%a"); value.append(String(Int(mode, radix: 8) ?? 0, radix: 8)) }
        return (format.joined(separator: ":"), value.joined(separator: ":"))
    }

    /// The shell condition that `p` (quoted) has the given owner, group and mode; nil when none is given.
    /// The octal mode a resource asks of the file it finds (`fact`): as written, a symbolic mode
    /// applied to the file's bits, or `fallback` for a new file that names none.
    static func wantedMode(_ mode: String?, _ fact: FileFact?, fallback: String, isDirectory: Bool = false) -> String? {
        guard let mode else { return fact == nil ? fallback : nil }
        return FileMode.resolve(mode, current: fact?.mode, fallback: fallback, isDirectory: isDirectory)
    }

    static func statCheck(_ p: String, _ owner: String?, _ group: String?, _ mode: String?) -> String? {
        let stat = statString(owner, group, mode)
        return stat.format.isEmpty ? nil : "[ \"$(stat -c \(Script.q(stat.format)) -- \(p))\" = \(Script.q(stat.value)) ]"
    }

    static func metadataText(_ owner: String?, _ group: String?, _ mode: String?) -> String {
        [owner.map { "owner \($0)" }, group.map { "group \($0)" }, mode.map { "mode \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }

    static func metadataChanges(_ fact: FileFact, _ owner: String?, _ group: String?, _ mode: String?) -> [String] {
        var changes: [String] = []
        if let owner, owner != fact.owner { changes.append("owner \(fact.owner) → \(owner)") }
        if let group, group != fact.group { changes.append("group \(fact.group) → \(group)") }
        if let mode, Int(mode, radix: 8) != Int(fact.mode, radix: 8) { changes.append("mode \(fact.mode) → \(mode)") }
        return changes
    }

    /// A copy of another file on the host (`copy_from`): made on the host, never through the
    /// control node; again when the contents differ (unless `replace: false`).
    static func copy(_ f: FileResource, from: String, _ id: ResourceID, _ context: inout PlanContext) -> [Step] {
        let fact = context.facts.files[f.path], source = context.facts.files[from]
        let madeHere = context.catalog.resources.contains { writes($0, from) }
        if let source, source.kind != .regular {
            context.error("\(from), which \(id) copies, is a \(source.kind.rawValue), not a regular file", hint: "copy_from takes a file", resource: id)
            return []
        }
        if source == nil && !madeHere && !context.facts.assumed {
            context.error("\(from), which \(id) copies, is not on the host", hint: "put it there first (a file, certificate or download resource of this plan)", resource: id)
            return []
        }
        // A symbolic mode changes the bits the copy has (the source's, for a new copy).
        let mode = f.mode.map { FileMode.resolve($0, current: (fact ?? source)?.mode, fallback: "0644", isDirectory: false) }
        if let fact, let hash = source?.sha256, fact.sha256 == hash {
            return metadataSteps(fact, f.path, id, f.owner, f.group, mode)
        }
        let src = Script.q(from)
        // cp -p: without owner/group/mode given, the copy keeps the source's (a key stays private).
        let fetch = "[ -f \(src) ] || { echo \(Script.q("\(from) is not there: nothing to copy")) >&2; exit 1; }\ncp -p -- \(src) \"$tmp\""
        var script = writeScript(f, sha256: nil, owner: f.owner, group: f.group, mode: mode, keepOriginal: false,
                                 fetch: fetch, fetchKeepsMetadata: true, context)
        if !f.replace {
            // A file that appeared since the plan is not replaced either.
            let p = Script.q(f.path)
            script.converged = (["[ -e \(p) ]"] + [statCheck(p, f.owner, f.group, mode)].compactMap { $0 }).joined(separator: " && ")
        }
        let note = source?.sha256 == nil ? "\(from) is made by this plan: what is copied is known after apply" : nil
        return [Step([id], fact == nil ? .create : .update, summary: fact == nil ? "copy of \(from)" : "content differs from \(from): copied again",
                     script: script, note: note)]
    }

    /// Whether `resource` puts a file at `path` (so a copy of it can come after it in the plan).
    static func writes(_ resource: Resource, _ path: String) -> Bool {
        switch resource.spec {
        case .file(let f): return f.path == path && f.state == .present
        case .download(let d): return d.path == path && d.state == .present
        case .certificate(let c): return [c.certificatePath, c.keyPath, c.caPath, c.bundlePath].contains(path)
        default: return false
        }
    }

    static func chownChmod(_ target: String, _ owner: String?, _ group: String?, _ mode: String?) -> [String] {
        var lines: [String] = []
        if owner != nil || group != nil { lines.append("chown \(Script.q((owner ?? "") + (group.map { ":" + $0 } ?? ""))) \(target)") }
        if let mode { lines.append("chmod \(mode) \(target)") }
        return lines
    }

    /// The step that sets what differs of owner, group and mode on a file that is there; none when nothing does.
    static func metadataSteps(_ fact: FileFact, _ path: String, _ id: ResourceID, _ owner: String?, _ group: String?, _ mode: String?) -> [Step] {
        let changes = metadataChanges(fact, owner, group, mode)
        return changes.isEmpty ? [] : [metadataStep(path, id, owner, group, mode, summary: changes.joined(separator: ", "))]
    }

    static func metadataStep(_ path: String, _ id: ResourceID, _ owner: String?, _ group: String?, _ mode: String?,
                             summary: String, note: String? = nil) -> Step {
        let p = Script.q(path)
        return Step([id], .update, summary: summary,
                    script: Script.make(converged: statCheck(p, owner, group, mode), change: chownChmod(p, owner, group, mode).joined(separator: "\n")),
                    note: note)
    }

    /// `sha256` nil: the content is only known at apply time, and stdin starts with a line
    /// `SHA256 OLD` (the new content's hash, and the hash of the content it was made from or
    /// `absent`), which the script checks before it writes (an edit made at apply time).
    /// `fetch`: shell lines that put the content into `"$tmp"` and check it, instead of stdin;
    /// `fetchKeepsMetadata`: the owner and mode they gave the temp file stay (a copy's, `cp -p`).
    static func writeScript(_ f: FileResource, sha256: String?, owner: String?, group: String?, mode: String?, keepOriginal: Bool,
                            fetch: String? = nil, fetchKeepsMetadata: Bool = false, _ context: PlanContext) -> StepScript {
        let p = Script.q(f.path)
        let directory = Script.q(f.path.nsPath.directory)
        let backup = Script.q(backupRoot + f.path)
        // Unmanaged metadata stays as it was: the new file takes the old one's owner and mode first.
        // A missing parent folder is created (root, 0755), like Terraform's local_file.
        // The content arrives on stdin; a run killed mid-transfer ends it early, so the bytes are
        // checked against the planned hash before anything uses them (never a half-written file).
        let incomplete = "{ echo 'the content arrived incomplete (connection lost?); nothing changed' >&2; exit 1; }"
        let receive = fetch.map { [$0] } ?? sha256.map { ["cat > \"$tmp\"", "[ \"$(sha256sum < \"$tmp\")\" = '\($0)  -' ] || \(incomplete)"] }
            ?? ["IFS=' ' read -r want old || \(incomplete)", "cat > \"$tmp\"", "[ \"$(sha256sum < \"$tmp\")\" = \"$want  -\" ] || \(incomplete)"]
        let inherit = fetchKeepsMetadata ? [] : ["if [ -e \(p) ]; then chown --reference=\(p) \"$tmp\"; chmod --reference=\(p) \"$tmp\"; else chmod 0644 \"$tmp\"; fi"]
        let prelude = (["mkdir -p \(directory)", "tmp=$(mktemp \(directory)/.rampart-XXXXXX)", "trap 'rm -f \"$tmp\"' EXIT"] + receive + inherit
            + chownChmod("\"$tmp\"", owner, group, mode)).joined(separator: "\n")
        // The guard, re-checked now: same bytes and metadata → nothing to do.
        let converged = (["[ -f \(p) ] && [ ! -L \(p) ] && cmp -s \"$tmp\" \(p)"] + [statCheck(p, owner, group, mode)].compactMap { $0 })
            .joined(separator: " && ")
        var lines: [String] = []
        if let validate = f.validate, validate.contains("%s") {
            let check = validate.replacingOccurrences(of: "%s", with: "\"$tmp\"")
            lines.append("if ! out=$(\(check) 2>&1); then printf '%s\\n' \"$out\" >&2; rampart_reject; fi")
        }
        if keepOriginal {
            // First time Rampart manages a file that was already there: keep it for pruning to restore.
            let original = Script.q(HostPaths.original(f.path))
            lines.append("if [ -f \(p) ] && [ ! -e \(original) ]; then mkdir -p \"$(dirname \(original))\"; cp -p \(p) \(original); fi")
        }
        lines.append("mkdir -p \"$(dirname \(backup))\"")
        lines.append("if [ -f \(p) ]; then cp -p \(p) \(backup); else rm -f \(backup); fi")
        lines.append("mv -f \"$tmp\" \(p)")
        if let validate = f.validate, !validate.contains("%s") {
            // Checked in place, before any service reloads; the previous file comes back on failure.
            lines.append("if ! out=$(\(validate) 2>&1); then")
            lines.append("  if [ -f \(backup) ]; then cp -p \(backup) \(p); else rm -f \(p); fi")
            lines.append("  printf '%s\\n' \"$out\" >&2; rampart_reject")
            lines.append("fi")
        }
        return Script.make(converged: converged, change: lines.joined(separator: "\n"), prelude: prelude)
    }

    /// Shell that keeps a copy of the regular file at `path` (a link is not one) in the backup
    /// folder, before a step removes or replaces it.
    static func keepCopy(of path: String) -> String {
        let p = Script.q(path), backup = Script.q(backupRoot + path)
        return "if [ -f \(p) ] && [ ! -L \(p) ]; then mkdir -p \"$(dirname \(backup))\"; cp -p \(p) \(backup); fi"
    }

    /// Removes a file Rampart no longer manages — or puts back the original it replaced.
    static func deleteStep(_ path: String, _ id: ResourceID, restoreOriginal: Bool = false) -> Step {
        let p = Script.q(path)
        if restoreOriginal {
            let original = Script.q(HostPaths.original(path))
            return Step([id], .delete, summary: "restore the original \(path) from before Rampart managed it",
                        script: Script.make(converged: "[ ! -e \(original) ]", change: "mv -f \(original) \(p)"))
        }
        let change = keepCopy(of: path) + "\nrm -f \(p)"
        return Step([id], .delete, summary: "remove \(path) (a copy is kept in \(backupRoot))",
                    script: Script.make(converged: "[ ! -e \(p) ] && [ ! -L \(p) ]", change: change))
    }
}

/// Folder of a path without Foundation: `/etc/nginx/nginx.conf` → `/etc/nginx`.
struct NSStringPath {
    let path: String
    var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension String {
    var nsPath: NSStringPath { NSStringPath(path: self) }
}
