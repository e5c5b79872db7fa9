import FoobarSite
import Foundation
import Rampart
import RampartDSL
import Testing

/// `db promote` on a Swift site edits the host lists of the two groups in the site's source.
struct SourceEditTests {
    @Test func promotingDB2EditsTheReferenceSiteSourceOnly() throws {
        let lab = repository.appendingPathComponent("Sources/FoobarSite/Lab.swift").path
        let original = try String(contentsOfFile: lab, encoding: .utf8)
        let edit = try foobar.moving(members: ["db_primary": ["db2"], "db_replicas": ["db1"]])
        #expect(edit.files.map(\.path) == [lab])
        let expected = original
            .replacingOccurrences(of: #"Group("db_primary", hosts: [db1])"#, with: #"Group("db_primary", hosts: [db2])"#)
            .replacingOccurrences(of: #"Group("db_replicas", hosts: [db2])"#, with: #"Group("db_replicas", hosts: [db1])"#)
        #expect(expected != original)
        #expect(edit.files.first?.text == expected)
        #expect(try String(contentsOfFile: lab, encoding: .utf8) == original, "nothing is written by planning the edit")
        // The site as the edited source declares it: db2 the primary, db1 its replica.
        let catalog = try edit.site.load().compile(offline: true)
        let replications = catalog.hosts.compactMap { host -> (String, ReplicationResource)? in
            for resource in host.resources { if case .replication(let r) = resource.spec { return (host.host, r) } }
            return nil
        }
        #expect(replications.first { $0.0 == "db2" }?.1.state == .absent)
        #expect(replications.first { $0.0 == "db1" }?.1.primary == "db2")
    }

    @Test func aHostWithoutAHandleNameIsRefusedBeforeAnythingChanges() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-edit-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Inline.swift").path
        let text = """
        let primary = Group("db_primary", hosts: [Host("db1", address: "10.0.0.21")])
        let replicas = Group("db_replicas", hosts: [db2])
        let db2 = Host("db2", address: "10.0.0.22")

        """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // Where the compiler puts each call: its opening parenthesis.
        let db1 = RampartDSL.Host("db1", address: "10.0.0.21", file: file, line: 1, column: 47)
        let db2 = RampartDSL.Host("db2", address: "10.0.0.22", file: file, line: 3, column: 15)
        let primary = RampartDSL.Group("db_primary", hosts: [db1], file: file, line: 1, column: 20)
        let replicas = RampartDSL.Group("db_replicas", hosts: [db2], file: file, line: 2, column: 21)
        let site = Site("s", inventory: RampartDSL.Inventory("t", hosts: [db1, db2], groups: [primary, replicas]), root: folder.path) {}
        // db2 has a name (`db2`); db1 is written inline, so db_replicas cannot list it by name.
        #expect(throws: DiagnosticError.self) { _ = try site.moving(members: ["db_primary": ["db2"], "db_replicas": ["db1"]]) }
        let onlyNamed = try site.moving(members: ["db_primary": ["db2"]])
        #expect(onlyNamed.files.first?.text == text.replacingOccurrences(of: #"hosts: [Host("db1", address: "10.0.0.21")]"#, with: "hosts: [db2]"))
    }
}
