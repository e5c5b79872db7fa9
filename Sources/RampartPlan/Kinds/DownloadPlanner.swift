import RampartBasics
import RampartFacts
import RampartModel

/// Downloads pinned by SHA-256: nothing to do when the file on the host has that hash (then only
/// owner, group and mode are kept); else fetched — by the host (curl or wget) or by the control
/// node (`Payload.download`, from its cache) — checked against the hash, and put in place
/// atomically with the file resource's write. Bytes that do not match are never installed.
enum DownloadPlanner {
    static func plan(_ d: DownloadResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let fact = context.facts.files[d.path]
        if d.state == .absent { return fact == nil ? [] : [FilePlanner.deleteStep(d.path, id)] }
        if let fact, fact.kind != .regular {
            context.error("\(d.path) exists and is a \(fact.kind.rawValue), not a regular file", hint: "remove it first, or download to another path", resource: id)
            return []
        }
        let owner = d.owner ?? (fact == nil ? "root" : nil)
        let group = d.group ?? (fact == nil ? "root" : nil)
        let mode = FilePlanner.wantedMode(d.mode, fact, fallback: "0644")
        if let fact, fact.sha256 == d.sha256 {
            return FilePlanner.metadataSteps(fact, d.path, id, owner, group, mode)
        }
        let file = FileResource(d.path, owner: owner, group: group, mode: mode)
        let summary = "\(fact == nil ? "download" : "download again (the file's hash differs)") \(d.url) (by the \(d.via == .host ? "host" : "control node"))"
        let action: StepAction = fact == nil ? .create : .update
        switch d.via {
        case .control:
            return [Step([id], action, summary: summary,
                         script: FilePlanner.writeScript(file, sha256: d.sha256, owner: owner, group: group, mode: mode, keepOriginal: false, context),
                         payload: .download(url: d.url, sha256: d.sha256))]
        case .host:
            return [Step([id], action, summary: summary, script: hostFetch(d, file, owner: owner, group: group, mode: mode, context))]
        }
    }

    /// The file resource's atomic write, its content fetched on the host instead of read from stdin.
    static func hostFetch(_ d: DownloadResource, _ file: FileResource, owner: String?, group: String?, mode: String?, _ context: PlanContext) -> StepScript {
        let url = Script.q(d.url)
        let fetch = [
            "if command -v curl >/dev/null; then curl -fsSL --proto '=https,http,ftp' --retry 2 --connect-timeout 20 -o \"$tmp\" \(url) || exit 1",
            "elif command -v wget >/dev/null; then wget -q -O \"$tmp\" \(url) || exit 1",
            "else echo 'neither curl nor wget is installed on this host: add `package: curl` before the download, or set `via: control`' >&2; exit 1; fi",
            "got=$(sha256sum < \"$tmp\" | cut -c1-64)",
            "[ \"$got\" = '\(d.sha256)' ] || { printf '%s gave a file whose SHA-256 is %s, not the pinned %s; nothing changed\\n' \(url) \"$got\" '\(d.sha256)' >&2; exit 1; }",
        ].joined(separator: "\n")
        return FilePlanner.writeScript(file, sha256: d.sha256, owner: owner, group: group, mode: mode, keepOriginal: false, fetch: fetch, context)
    }
}
