/// A unified diff (`--- old`, `+++ new`, `@@` hunks with 3 lines of context) built on the
/// standard library's `CollectionDifference`.
public enum UnifiedDiff {
    public static func make(old: String, new: String, path: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        if a == b { return "" }
        // Walk both sides: mark which lines of each were removed/inserted.
        let difference = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // An edit script in order: (tag, text) with tag " ", "-", "+".
        var script: [(Character, String, Int, Int)] = []   // tag, text, old index, new index
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count && removed.contains(i) { script.append(("-", a[i], i, j)); i += 1 }
            else if j < b.count && inserted.contains(j) { script.append(("+", b[j], i, j)); j += 1 }
            else { script.append((" ", a[i], i, j)); i += 1; j += 1 }
        }
        var out = "--- \(path)\n+++ \(path)\n"
        var index = 0
        while index < script.count {
            guard let firstChange = script[index...].firstIndex(where: { $0.0 != " " }) else { break }
            let start = max(index, firstChange - context)
            var end = firstChange
            // Extend the hunk while the next change is within 2×context lines.
            while true {
                guard let next = script[(end + 1)...].firstIndex(where: { $0.0 != " " }) else { end = min(script.count - 1, end + context); break }
                if next - end > 2 * context { end = min(script.count - 1, end + context); break }
                end = next
            }
            let hunk = script[start...end]
            let oldCount = hunk.filter { $0.0 != "+" }.count
            let newCount = hunk.filter { $0.0 != "-" }.count
            let oldStart = (hunk.first { $0.0 != "+" }?.2 ?? hunk.first!.2) + (oldCount == 0 ? 0 : 1)
            let newStart = (hunk.first { $0.0 != "-" }?.3 ?? hunk.first!.3) + (newCount == 0 ? 0 : 1)
            out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for line in hunk { out += "\(line.0)\(line.1)\n" }
            index = end + 1
        }
        if !old.isEmpty && !old.hasSuffix("\n") || !new.isEmpty && !new.hasSuffix("\n") { out += "\\ No newline at end of file\n" }
        return out
    }

    static func lines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { result.removeLast() }
        return result
    }
}
