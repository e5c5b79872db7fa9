import Foundation
import RampartBasics
import RampartModel

/// An edit of a file Rampart does not own whole, as a pure function of the file's text: the
/// planner runs it on the content the facts brought (and shows the diff); the applier runs the
/// same function at apply time when the file only appears during the apply (shipped by a
/// package the same plan installs).
public enum FileEdit: Sendable, Hashable, Codable {
    case line(LineResource)
    case block(BlockResource)
    case ini(IniResource)
    /// A mount's line in /etc/fstab.
    case mount(MountResource)

    public struct Failure: Error, Sendable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    /// What the edit made of `old` (nil: the file does not exist), with a one-line summary of
    /// the change; the text is `old` itself when nothing needed changing.
    public func applied(to old: String?) throws -> (text: String, summary: String?) {
        var lines = Lines(old ?? "")
        let summary: String?
        switch self {
        case .line(let l): summary = try Self.edit(&lines, l)
        case .block(let b): summary = try Self.edit(&lines, b)
        case .ini(let i): summary = Self.edit(&lines, i)
        case .mount(let m): summary = Self.edit(&lines, m)
        }
        guard let summary else { return (old ?? "", nil) }
        return (lines.text, old == nil ? "create the file, \(summary)" : summary)
    }

    /// The file edited.
    public var path: String {
        switch self {
        case .line(let l): return l.path
        case .block(let b): return b.path
        case .ini(let i): return i.path
        case .mount: return MountResource.fstab
        }
    }

    /// The checker of the edited file (`%s`: the new file, as a file resource's).
    public var validate: String? {
        switch self {
        case .line(let l): return l.validate
        case .block(let b): return b.validate
        case .ini(let i): return i.validate
        case .mount: return nil
        }
    }

    /// Whether a missing file is created.
    public var create: Bool {
        switch self {
        case .line(let l): return l.create
        case .block(let b): return b.create
        case .ini(let i): return i.create
        case .mount: return true
        }
    }

    public var isSensitive: Bool {
        switch self {
        case .line(let l): return l.text?.isSensitive == true
        case .block(let b): return b.content.isSensitive
        case .ini(let i): return i.value?.isSensitive == true
        case .mount: return false
        }
    }

    /// The file's lines, and whether it ended with a newline (an edit always leaves one).
    struct Lines {
        var items: [String]
        init(_ text: String) {
            var parts = text.components(separatedBy: "\n")
            if parts.last == "" { parts.removeLast() }
            items = parts
        }
        var text: String { items.isEmpty ? "" : items.joined(separator: "\n") + "\n" }
    }

    static func regex(_ pattern: String) throws -> Regex<AnyRegexOutput> {
        do { return try Regex(pattern) } catch { throw Failure(message: "'\(pattern)' is not a regular expression: \(error)") }
    }

    /// Where an insertion goes: Ansible's lineinfile/blockinfile rule (after or before the LAST
    /// match; the end of the file when nothing matches).
    static func insertionIndex(_ lines: Lines, _ anchor: LineResource.Anchor) throws -> Int {
        switch anchor {
        case .endOfFile: return lines.items.count
        case .startOfFile: return 0
        case .after(let pattern):
            let r = try regex(pattern)
            return lines.items.lastIndex { $0.contains(r) }.map { $0 + 1 } ?? lines.items.count
        case .before(let pattern):
            let r = try regex(pattern)
            return lines.items.lastIndex { $0.contains(r) } ?? lines.items.count
        }
    }

    static func edit(_ lines: inout Lines, _ l: LineResource) throws -> String? {
        var text = l.text?.revealed() ?? ""
        if text.hasSuffix("\n") { text.removeLast() }
        let matches: (String) -> Bool
        if let pattern = l.match {
            let r = try regex(pattern)
            matches = { $0.contains(r) }
        } else {
            matches = { $0 == text }
        }
        switch l.state {
        case .absent:
            let before = lines.items.count
            lines.items.removeAll(where: matches)
            let removed = before - lines.items.count
            return removed == 0 ? nil : removed == 1 ? "remove 1 line" : "remove \(removed) lines"
        case .present:
            if l.match != nil, let last = lines.items.lastIndex(where: matches) {
                guard lines.items[last] != text else { return nil }
                lines.items[last] = text
                return "replace line \(last + 1)"
            }
            if lines.items.contains(text) { return nil }
            let index = try insertionIndex(lines, l.anchor)
            lines.items.insert(text, at: index)
            return "insert at line \(index + 1)"
        }
    }

    static func edit(_ lines: inout Lines, _ b: BlockResource) throws -> String? {
        let begin = b.markerLine("BEGIN"), end = b.markerLine("END")
        var body = b.content.revealed().components(separatedBy: "\n")
        if body.last == "" { body.removeLast() }
        let trimmed = { (line: String) in String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
        let start = lines.items.firstIndex { trimmed($0) == begin }
        let stop = start.flatMap { s in lines.items[s...].firstIndex { trimmed($0) == end } }
        if let start, stop == nil {
            throw Failure(message: "line \(start + 1) opens the block ('\(begin)') and no '\(end)' line closes it")
        }
        switch b.state {
        case .absent:
            guard let start, let stop else { return nil }
            lines.items.removeSubrange(start...stop)
            return "remove the block (\(stop - start + 1) lines)"
        case .present:
            let wanted = [begin] + body + [end]
            if let start, let stop {
                // (Trailing blanks after a marker are tolerated, as when finding it.)
                guard Array(lines.items[(start + 1)..<stop]) != body else { return nil }
                lines.items.replaceSubrange(start...stop, with: wanted)
                return "update the block at line \(start + 1)"
            }
            let index = try insertionIndex(lines, b.anchor)
            lines.items.insert(contentsOf: wanted, at: index)
            return "insert the block at line \(index + 1) (\(body.count) lines)"
        }
    }

    /// `[section]` headers (any spacing), and the lines that set `key` (`key`, then blanks, `=`,
    /// `:` or the end: `max_connections = 200`, `KEY=v`, `PASS_MAX_DAYS 90`).
    static func edit(_ lines: inout Lines, _ i: IniResource) -> String? {
        func header(_ line: String) -> String? {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("["), t.hasSuffix("]") else { return nil }
            return String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        func sets(_ line: String) -> Bool {
            let t = line.drop { $0 == " " || $0 == "\t" }
            guard t.hasPrefix(i.key) else { return false }
            let rest = t.dropFirst(i.key.count)
            return rest.first.map { $0 == " " || $0 == "\t" || $0 == "=" || $0 == ":" } ?? true
        }
        // The section's lines: from after its header (or the top) to the next header.
        var start: Int?, end = lines.items.count
        if let section = i.section {
            if let h = lines.items.firstIndex(where: { header($0) == section }) { start = h + 1 }
        } else { start = 0 }
        if let s = start, let next = lines.items[s...].firstIndex(where: { header($0) != nil }) { end = next }
        let wanted = i.key + i.separator + (i.value?.revealed() ?? "")
        switch i.state {
        case .absent:
            guard let s = start else { return nil }
            let matching = (s..<end).filter { sets(lines.items[$0]) }
            guard !matching.isEmpty else { return nil }
            for index in matching.reversed() { lines.items.remove(at: index) }
            return "remove \(i.key)" + (i.section.map { " from [\($0)]" } ?? "")
        case .present:
            guard let s = start else {
                if !lines.items.isEmpty && lines.items.last != "" { lines.items.append("") }
                lines.items += ["[\(i.section!)]", wanted]
                return "add [\(i.section!)] with \(i.key)"
            }
            if let index = (s..<end).first(where: { sets(lines.items[$0]) }) {
                guard lines.items[index] != wanted else { return nil }
                lines.items[index] = wanted
                return "set \(i.key) at line \(index + 1)"
            }
            // After the section's last line that is not blank.
            var at = end
            while at > s && lines.items[at - 1].trimmingCharacters(in: .whitespaces).isEmpty { at -= 1 }
            lines.items.insert(wanted, at: at)
            return "add \(i.key) at line \(at + 1)"
        }
    }

    /// The entry whose mount point (second field) is the mount's: the first one set to the
    /// mount's fields (left alone when they already say the same, however spaced), any later
    /// duplicates removed; comments never touched.
    static func edit(_ lines: inout Lines, _ m: MountResource) -> String? {
        func fields(_ line: String) -> [Substring]? {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = f.first, !first.hasPrefix("#"), f.count >= 2 else { return nil }
            return f
        }
        let matching = lines.items.indices.filter { fields(lines.items[$0]).map { MountTableField.unescaped($0[1]) == m.path } ?? false }
        guard let wanted = m.inFstab else { return nil }
        if !wanted {
            guard !matching.isEmpty else { return nil }
            for index in matching.reversed() { lines.items.remove(at: index) }
            return "remove \(m.path) from fstab"
        }
        guard let first = matching.first else {
            lines.items.append(m.fstabLine)
            return "add \(m.path) to fstab"
        }
        var have = fields(lines.items[first])!.map(String.init)
        while have.count >= 4 && have.count < 6 { have.append("0") }  // fstab(5): dump and pass default to 0
        let same = have == m.fstabLine.split(separator: " ").map(String.init)
        if same && matching.count == 1 { return nil }
        for index in matching.dropFirst().reversed() { lines.items.remove(at: index) }
        lines.items[first] = m.fstabLine
        return same ? "remove duplicate fstab entries of \(m.path)" : "update the fstab entry of \(m.path) (line \(first + 1))"
    }
}
