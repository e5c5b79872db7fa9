import RampartBasics
import RampartFacts
import RampartModel

/// Archives unpacked into a folder, again only when the archive's hash is not the one last
/// unpacked there (kept on the host in `HostPaths.archiveMarker`), the folder is gone, or
/// `creates` is missing. The archive's hash is the pinned one of this plan's `download` of
/// it, else the file's on the host. Unpacked files belong to root (or `owner`/`group`), never
/// to the uid the archive recorded. Files the archive no longer has are left (as Ansible's).
enum ArchivePlanner {
    static func plan(_ a: ArchiveResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let downloaded = context.catalog.resources.lazy.compactMap { r -> String? in
            if case .download(let d) = r.spec, d.path == a.source, d.state == .present { return d.sha256 }
            return nil
        }.first
        let expected = downloaded ?? context.facts.files[a.source]?.sha256
        if expected == nil && !context.facts.assumed {
            context.error("\(a.source) is not on the host, so \(id) has nothing to unpack",
                          hint: "download it first (`download: \(a.source)` with url and sha256), or put it there with a file resource", resource: id)
            return []
        }
        let marker = HostPaths.archiveMarker(a.path)
        let markerHash = context.facts.files[marker]?.sha256
        let unpacked = expected.map { markerHash == sha256Hex(Array(($0 + "\n").utf8)) } ?? false
        let missing = context.facts.files[a.path] == nil
        let createsMissing = a.creates.map { context.facts.files[$0] == nil } ?? false
        guard !unpacked || missing || createsMissing else { return [] }
        let why = missing ? "into a new folder" : !unpacked ? (markerHash == nil ? "not unpacked there by Rampart yet" : "the archive changed")
            : "\(a.creates!) is missing"

        let p = Script.q(a.path), src = Script.q(a.source), m = Script.q(marker)
        var converged = "[ -d \(p) ] && [ -f \(m) ] && [ \"$(cat \(m))\" = \"$(sha256sum < \(src) | cut -c1-64)\" ]"
        if let creates = a.creates { converged += " && [ -e \(Script.q(creates)) ]" }
        var lines = ["[ -f \(src) ] || { echo \(Script.q("\(a.source) is not there: nothing to unpack")) >&2; exit 1; }",
                     "h=$(sha256sum < \(src) | cut -c1-64)", "mkdir -p \(p)"]
        switch a.format ?? .tar {
        case .tar:
            lines.append("tar -xf \(src) -C \(p) --no-same-owner --no-same-permissions" + (a.stripComponents > 0 ? " --strip-components=\(a.stripComponents)" : ""))
        case .zip:
            lines.append("command -v unzip >/dev/null || { echo 'unzip is not installed on this host: add `package: unzip` before the archive' >&2; exit 1; }")
            lines.append("unzip -o -q \(src) -d \(p)")
        }
        if a.owner != nil || a.group != nil {
            lines.append("chown -R \(Script.q((a.owner ?? "") + (a.group.map { ":" + $0 } ?? ""))) \(p)")
        }
        lines.append("mkdir -p \"$(dirname \(m))\"")
        lines.append("printf '%s\\n' \"$h\" > \(m)")
        return [Step([id], missing ? .create : .update, summary: "unpack \(a.source) (\(why))",
                     script: Script.make(converged: converged, change: lines.joined(separator: "\n")),
                     note: expected == nil ? "the archive's content is known after apply" : nil)]
    }
}
