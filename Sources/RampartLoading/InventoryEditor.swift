import Foundation
import RampartBasics
import Yams

/// Small edits to an inventory file's text that keep its comments and layout (as `cargo add`
/// edits Cargo.toml): only the named scalars change, found through the YAML parser's positions.
public enum InventoryEditor {
    /// The inventory text with `newPrimary` and `oldPrimary` swapped between the `hosts:` lists of
    /// `primaryGroup` and `replicaGroup`. Throws, naming the file and what to change by hand,
    /// when the groups are not written as plain host lists in this file.
    public static func swapPrimary(_ text: String, file: String, primaryGroup: String, replicaGroup: String,
                                   oldPrimary: String, newPrimary: String) throws -> String {
        let byHand = "move \(newPrimary) to `\(primaryGroup)` and \(oldPrimary) to `\(replicaGroup)` in \(file) by hand, then run `rampart apply`"
        guard let root = try Yams.compose(yaml: text), let groups = root["groups"] else {
            throw DiagnosticError(.error("\(file) has no `groups:` section", hint: byHand))
        }
        func entry(_ group: String, _ host: String) throws -> Node {
            guard let hosts = groups[group]?["hosts"], case .sequence(let list) = hosts,
                  let node = list.first(where: { $0.string == host }) else {
                throw DiagnosticError(.error("\(file) does not list \(host) under `hosts` of group `\(group)`", hint: byHand))
            }
            return node
        }
        let edits = [(try entry(primaryGroup, oldPrimary), newPrimary), (try entry(replicaGroup, newPrimary), oldPrimary)]
        var scalars = Array(text.unicodeScalars)
        // Later positions first, so earlier offsets stay valid.
        let lineStarts = [0] + scalars.indices.filter { scalars[$0] == "\n" }.map { $0 + 1 }
        for (node, replacement) in edits.sorted(by: { offset($0.0, lineStarts) > offset($1.0, lineStarts) }) {
            guard let old = node.string else { continue }
            var start = offset(node, lineStarts)
            let quote = start < scalars.count && (scalars[start] == "'" || scalars[start] == "\"") ? 1 : 0
            start += quote
            let end = start + old.unicodeScalars.count
            guard end <= scalars.count, String(String.UnicodeScalarView(scalars[start..<end])) == old else {
                throw DiagnosticError(.error("could not edit \(old) at \(file):\(node.mark?.line ?? 0):\(node.mark?.column ?? 0)", hint: byHand))
            }
            scalars.replaceSubrange(start..<end, with: replacement.unicodeScalars)
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    private static func offset(_ node: Node, _ lineStarts: [Int]) -> Int {
        guard let mark = node.mark, mark.line - 1 < lineStarts.count else { return 0 }
        return lineStarts[mark.line - 1] + mark.column - 1
    }
}
