import Foundation
import RampartBasics
import RampartFacts
import RampartModel

/// `line`, `block` and `ini`: edits of files Rampart does not own whole. The new content is computed
/// here from the content the file probe fetched (or an earlier edit of this plan left), shown
/// as a diff, and written atomically like a file resource's — only over the exact content it
/// was computed from (otherwise the step fails: plan again). A file that a package of this
/// plan ships is edited at apply time, from the content the install left (`Payload.edit`).
enum FileEditPlanner {
    /// The key of an edit's step in `PlanContext.secretPayloads`.
    static func payloadKey(_ id: ResourceID) -> String { "edit:\(id)" }

    static func plan(_ edit: FileEdit, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id, path = edit.path
        if context.catalog.resources.contains(where: { if case .file(let f) = $0.spec { f.path == path } else { false } }) {
            context.error("\(path) is managed whole by file:\(path), so it cannot also be edited by \(id)",
                          hint: "put the line in that file's content, or drop the file resource", resource: id)
            return []
        }
        let file = FileResource(path, validate: edit.validate)
        if context.facts.assumed {
            // (Its payload says what the edit is, as an apply-time edit's would.)
            return [Step([id], .update, summary: "edit \(path)",
                         script: Script.make(converged: nil, change: "echo 'planned offline: plan against the host' >&2; exit 1"),
                         payload: .edit(path: path, edit: edit), note: "the file's current content is known after apply")]
        }
        if context.facts.unchangedEdits.contains(path) {
            // The last apply's marker vouches that these edits left the file as it is now.
            return []
        }
        if context.deferredEdits.contains(path) {
            return [deferred(edit, file, because: "an earlier edit of this plan is made at apply time", id, &context)]
        }
        if context.facts.files[path] == nil, context.editedText[path] == nil {
            if let package = context.fileComesFrom(path) {
                return [deferred(edit, file, because: "shipped by package:\(package), which this plan installs", id, &context)]
            }
            if !edit.create && !context.installing.isEmpty {
                // Not known to come from one of them, but it may: known after apply, like Terraform's.
                let packages = context.installing.map { "package:\($0)" }.joined(separator: ", ")
                return [deferred(edit, file, because: "not there yet, and this plan first installs \(packages)", id, &context)]
            }
        }
        let base: String?
        if let chained = context.editedText[path] {
            base = chained
        } else if let fact = context.facts.files[path] {
            guard fact.kind == .regular else {
                context.error("\(path) is a \(fact.kind.rawValue), not a regular file", hint: "an edit needs a text file", resource: id)
                return []
            }
            guard let bytes = fact.content else {
                context.error("\(path) is larger than \(FileFact.editLimit / 1024) KiB or unreadable, so it cannot be edited", hint: "manage it whole with a `file:` resource", resource: id)
                return []
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                context.error("\(path) is not UTF-8 text, so it cannot be edited line by line", hint: "manage it whole with a `file:` resource", resource: id)
                return []
            }
            base = text
        } else if edit.create {
            base = nil
        } else {
            context.error("\(path) does not exist, and \(id) edits a file that is there",
                          hint: "add `create: true` to make it, or install the package that ships it first", resource: id)
            return []
        }
        let result: (text: String, summary: String?)
        do { result = try edit.applied(to: base) } catch let failure as FileEdit.Failure {
            context.error("\(path): \(failure.message)", hint: "fix the file by hand or the edit's patterns", resource: id)
            return []
        } catch { return [] }
        context.editedText[path] = result.text
        guard let summary = result.summary else { return [] }

        let text = edit.isSensitive ? SensitiveText(secret: Secret(result.text)) : SensitiveText(result.text)
        let payload = context.payload(text, key: payloadKey(id))
        let diff = edit.isSensitive ? "(sensitive content changed)" : UnifiedDiff.make(old: base ?? "", new: result.text, path: path)
        let created = base == nil
        var script = FilePlanner.writeScript(file, sha256: sha256Hex(Array(result.text.utf8)), owner: created ? "root" : nil,
                                             group: created ? "root" : nil, mode: created ? "0644" : nil, keepOriginal: false, context)
        script.change = madeFrom(path, base.map { "'\(sha256Hex(Array($0.utf8)))'" } ?? "absent") + "\n" + script.change
        return [Step([id], created ? .create : .update, summary: summary, diff: diff, script: script, payload: payload)]
    }

    /// The step of an edit of a file that does not exist yet but will when the step runs.
    static func deferred(_ edit: FileEdit, _ file: FileResource, because reason: String, _ id: ResourceID, _ context: inout PlanContext) -> Step {
        context.deferredEdits.insert(file.path)
        if edit.isSensitive {
            context.error("\(id) puts a secret into \(file.path), which is only there at apply time (\(reason))",
                          hint: "install the package in an earlier play, or keep the secret in a file Rampart owns", resource: id)
        }
        var script = FilePlanner.writeScript(file, sha256: nil, owner: nil, group: nil, mode: nil, keepOriginal: false, context)
        script.change = madeFrom(file.path, "\"$old\"") + "\n" + script.change
        return Step([id], .update, summary: "edit \(file.path)", script: script, payload: .edit(path: file.path, edit: edit),
                    note: "\(reason): the edit is made at apply time, on the content the file has then")
    }

    /// Stops the step unless the file is still what the edit was computed from.
    static func madeFrom(_ path: String, _ expected: String) -> String {
        let p = Script.q(path)
        return "if [ -e \(p) ]; then now=$(sha256sum < \(p) | cut -c1-64); else now=absent; fi\n"
            + "[ \"$now\" = \(expected) ] || { echo \(Script.q("\(path) changed since this edit was planned; nothing changed: plan again")) >&2; exit 1; }"
    }
}

extension FileEdit {
    /// The bytes an `.edit` payload sends: the header line the write script reads, then the content.
    public func payload(editing current: [UInt8]?) throws -> [UInt8] {
        let old = try current.map { bytes -> String in
            guard let text = String(validating: bytes, as: UTF8.self) else { throw FileEdit.Failure(message: "the file is not UTF-8 text") }
            return text
        }
        if current == nil && !create {
            throw FileEdit.Failure(message: "the file does not exist, even after the earlier steps of this apply (add `create: true` to make it)")
        }
        let new = try applied(to: old).text
        let header = "\(sha256Hex(Array(new.utf8))) \(current.map(sha256Hex) ?? "absent")\n"
        return Array(header.utf8) + Array(new.utf8)
    }
}
