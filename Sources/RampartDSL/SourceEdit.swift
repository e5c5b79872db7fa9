import Foundation
import RampartBasics

/// `rampart db promote` on a site written in Swift. Which server is the primary is which host
/// the primary's group holds — code here, as it is the inventory file in YAML — so the
/// switchover ends by editing the host lists of the two groups in the Swift source (the
/// `hosts: [db1]` of `Group("db_primary", hosts: [db1])`), keeping everything else, and the
/// apply that follows uses the site with the hosts moved. Rebuild and commit afterwards, as
/// after `cargo add`.
public struct GroupMembersEdit: Sendable {
    /// The site as the edited source declares it.
    public let site: Site
    /// Each edited file (absolute path) with its new text.
    public let files: [(path: String, text: String)]
}

extension Site {
    /// The site with these groups holding these hosts instead, and the source edits that say so.
    /// Throws, changing nothing, when a group's host list is not written as a list of handles.
    public func moving(members: [String: [String]]) throws -> GroupMembersEdit {
        let hostsByName = Dictionary(inventory.hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var edits: [String: [(offset: Int, length: Int, text: String)]] = [:]
        var texts: [String: String] = [:]
        for (groupName, hostNames) in members.sorted(by: { $0.key < $1.key }) {
            guard let group = inventory.allGroups.first(where: { $0.name == groupName }) else {
                throw DiagnosticError(.error("the site has no group '\(groupName)'", at: at.location))
            }
            let hosts = try hostNames.map { name -> Host in
                guard let host = hostsByName[name] else { throw DiagnosticError(.error("the site has no host '\(name)'", at: at.location)) }
                return host
            }
            let path = group.at.path
            if texts[path] == nil {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw DiagnosticError(.error("cannot read \(path) to move hosts between groups",
                                                 hint: "run the site's executable where its sources are (or edit group '\(groupName)' by hand)"))
                }
                texts[path] = text
            }
            let names = try hosts.map { try Self.handleName(of: $0) }
            let list = try Self.hostList(in: texts[path]!, of: group)
            edits[path, default: []].append((list.offset, list.length, names.joined(separator: ", ")))
        }
        var files: [(path: String, text: String)] = []
        for (path, fileEdits) in edits.sorted(by: { $0.key < $1.key }) {
            var bytes = Array(texts[path]!.utf8)
            for edit in fileEdits.sorted(by: { $0.offset > $1.offset }) {
                bytes.replaceSubrange(edit.offset..<(edit.offset + edit.length), with: Array(edit.text.utf8))
            }
            files.append((path, String(decoding: bytes, as: UTF8.self)))
        }
        let moved = members.mapValues { $0.compactMap { hostsByName[$0] } }
        return GroupMembersEdit(site: Site(copying: self, inventory: inventory.moving(members: moved)), files: files)
    }

    /// The identifier a host's handle is bound to: `db2` in `public let db2 = Host("db2", …)`
    /// (the compiler's `#column` of a call is its opening parenthesis).
    static func handleName(of host: Host) throws -> String {
        let declared = host.at
        guard let text = try? String(contentsOfFile: declared.path, encoding: .utf8) else {
            throw DiagnosticError(.error("cannot read \(declared.path), where host '\(host.name)' is declared"))
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard declared.location.line - 1 < lines.count else { throw DiagnosticError(.error("host '\(host.name)' is not where the build said", at: declared.location)) }
        let line = Array(lines[declared.location.line - 1].utf8)
        let before = String(decoding: line.prefix(max(declared.location.column - 1, 0)), as: UTF8.self)
        guard let match = before.firstMatch(of: /\b(?:let|var)\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_.]+\s*)?=\s*[A-Za-z_.]*$/) else {
            throw DiagnosticError(.error("host '\(host.name)' is not bound to a name of its own",
                                         hint: "declare it as `let \(host.name) = Host(\"\(host.name)\", …)` so its groups can list it by name",
                                         at: declared.location))
        }
        return String(match.1)
    }

    /// Where the `[…]` after `hosts:` of a group's declaration is, in UTF-8 bytes (inside the brackets).
    static func hostList(in text: String, of group: Group) throws -> (offset: Int, length: Int) {
        let bytes = Array(text.utf8)
        var offset = 0, line = 1
        while line < group.at.location.line, offset < bytes.count {
            if bytes[offset] == UInt8(ascii: "\n") { line += 1 }
            offset += 1
        }
        offset += max(group.at.location.column - 1, 0)
        let rest = String(decoding: bytes[min(offset, bytes.count)...], as: UTF8.self)
        // The first `hosts: [` of the call (the compiler's column is its parenthesis), before
        // any other group's declaration.
        guard rest.hasPrefix("(") || rest.hasPrefix("Group("), let label = rest.firstMatch(of: /hosts:\s*\[/),
              !rest.dropFirst()[..<label.range.lowerBound].contains("Group(") else {
            throw DiagnosticError(.error("group '\(group.name)' has no `hosts: [ … ]` list to edit",
                                         hint: "write its hosts as `hosts: [db1]`", at: group.at.location))
        }
        let start = offset + rest.utf8.distance(from: rest.startIndex, to: label.range.upperBound)
        guard let close = bytes[start...].firstIndex(of: UInt8(ascii: "]")) else {
            throw DiagnosticError(.error("group '\(group.name)''s host list does not end", at: group.at.location))
        }
        return (start, close - start)
    }
}

extension Inventory {
    /// The same inventory with these groups holding these hosts.
    func moving(members: [String: [Host]]) -> Inventory {
        func moved(_ group: Group) -> Group {
            Group(copying: group, hosts: members[group.name] ?? group.hosts, children: group.children.map(moved))
        }
        return Inventory(copying: self, groups: groups.map(moved))
    }
}
