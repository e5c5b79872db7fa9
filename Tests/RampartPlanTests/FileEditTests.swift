import Foundation
import RampartBasics
import RampartFacts
import RampartModel
@testable import RampartPlan
import Testing

/// The edits as pure functions of a file's text: what the planner shows and what the applier
/// makes at apply time are the same function, so these are its edge cases.
struct FileEditTests {
    static func line(_ text: String, match: String? = nil, anchor: LineResource.Anchor = .endOfFile, state: Presence = .present) -> FileEdit {
        .line(LineResource("l", path: "/etc/x", text: SensitiveText(text), match: match, anchor: anchor, state: state))
    }

    @Test func appendingToAFileWithoutAFinalNewlineKeepsItsLastLine() throws {
        #expect(try Self.line("b = 2").applied(to: "a = 1").text == "a = 1\nb = 2\n")
        #expect(try Self.line("b = 2").applied(to: "").text == "b = 2\n")
        #expect(try Self.line("b = 2").applied(to: nil).summary == "create the file, insert at line 1")
    }

    @Test func everyEditIsIdempotent() throws {
        let file = "# x\nPermitRootLogin yes\nUsePAM yes\nMatch User backup\n  ForceCommand internal-sftp\n"
        let edits: [FileEdit] = [
            Self.line("PermitRootLogin no", match: "^#?PermitRootLogin"),
            Self.line("PasswordAuthentication no", anchor: .before("^Match")),
            Self.line("X11Forwarding no", anchor: .after("^UsePAM")),
            Self.line("", match: "^UsePAM", state: .absent),
            .block(BlockResource("crypto", path: "/etc/x", content: "Ciphers aes256-gcm@openssh.com\n", anchor: .startOfFile)),
        ]
        for edit in edits {
            let once = try edit.applied(to: file)
            #expect(once.summary != nil, "\(edit) changed nothing")
            let twice = try edit.applied(to: once.text)
            #expect(twice.summary == nil && twice.text == once.text, "\(edit) is not idempotent:\n\(once.text)\n---\n\(twice.text)")
        }
    }

    @Test func insertionFollowsLineinfile() throws {
        let file = "a\nMatch 1\nb\nMatch 2\n"
        #expect(try Self.line("X", anchor: .before("^Match")).applied(to: file).text == "a\nMatch 1\nb\nX\nMatch 2\n", "before the LAST match, as Ansible")
        #expect(try Self.line("X", anchor: .after("^Match")).applied(to: file).text == "a\nMatch 1\nb\nMatch 2\nX\n")
        #expect(try Self.line("X", anchor: .after("^nothing")).applied(to: file).text == file + "X\n", "no match: the end")
        #expect(try Self.line("X", anchor: .startOfFile).applied(to: file).text == "X\n" + file)
        // With `match`, the last matching line is replaced, earlier ones stay.
        #expect(try Self.line("k = 2", match: "^k\\s*=").applied(to: "k = 0\nk=1\n").text == "k = 0\nk = 2\n")
    }

    @Test func aBlockMovesNowhereOnceItIsThere() throws {
        let block = FileEdit.block(BlockResource("b", path: "/etc/x", content: "one\ntwo\n", anchor: .after("^a")))
        let first = try block.applied(to: "a\nz\n").text
        #expect(first == "a\n# BEGIN RAMPART MANAGED BLOCK: b\none\ntwo\n# END RAMPART MANAGED BLOCK: b\nz\n")
        let moved = first.replacingOccurrences(of: "z\n", with: "") + "z\n"
        let updated = FileEdit.block(BlockResource("b", path: "/etc/x", content: "three\n", anchor: .after("^z")))
        #expect(try updated.applied(to: moved).text == "a\n# BEGIN RAMPART MANAGED BLOCK: b\nthree\n# END RAMPART MANAGED BLOCK: b\nz\n",
                "updated in place, not re-inserted at the anchor")
        let gone = FileEdit.block(BlockResource("b", path: "/etc/x", state: .absent))
        #expect(try gone.applied(to: first).text == "a\nz\n")
    }

    @Test func thePayloadOfAnEditAtApplyTimeNamesWhatItWasMadeFrom() throws {
        let edit = Self.line("ENABLED=\"true\"", match: "^ENABLED=")
        let old = Array("ENABLED=\"false\"\n".utf8)
        let bytes = try edit.payload(editing: old)
        let text = String(decoding: bytes, as: UTF8.self)
        let header = text.prefix { $0 != "\n" }.split(separator: " ").map(String.init)
        #expect(header == [sha256Hex(Array("ENABLED=\"true\"\n".utf8)), sha256Hex(old)])
        #expect(text.hasSuffix("\nENABLED=\"true\"\n"))
        #expect(throws: FileEdit.Failure.self) { try edit.payload(editing: nil) }
        #expect(throws: FileEdit.Failure.self) { try edit.payload(editing: [0xff, 0xfe]) }
    }

    @Test func fstabEntriesAreMatchedByMountPointAndCompareByField() throws {
        let fstab = "# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=1b2c / ext4 errors=remount-ro 0 1\n#tmpfs /srv/x tmpfs ro 0 0\n"
            + "tmpfs\t/srv/x\ttmpfs\tsize=8m\n"
        let same = FileEdit.mount(MountResource("/srv/x", source: "tmpfs", fstype: "tmpfs", options: "size=8m"))
        #expect(try same.applied(to: fstab).summary == nil, "tabs and fstab(5)'s default dump/pass are the same entry")
        let bigger = FileEdit.mount(MountResource("/srv/x", source: "tmpfs", fstype: "tmpfs", options: "size=16m"))
        let edited = try bigger.applied(to: fstab)
        #expect(edited.summary == "update the fstab entry of /srv/x (line 4)")
        #expect(edited.text.hasSuffix("#tmpfs /srv/x tmpfs ro 0 0\ntmpfs /srv/x tmpfs size=16m 0 0\n"), "the comment is kept:\n\(edited.text)")
        #expect(try bigger.applied(to: edited.text).summary == nil)
        let gone = try FileEdit.mount(MountResource("/srv/x", source: "", fstype: "", state: .absent)).applied(to: fstab + "tmpfs /srv/x tmpfs size=1m 0 0\n")
        #expect(gone.summary == "remove /srv/x from fstab" && !gone.text.contains("\ttmpfs") && gone.text.contains("#tmpfs /srv/x"))
        #expect(try FileEdit.mount(MountResource("/srv/x", source: "", fstype: "", state: .unmounted)).applied(to: fstab).summary == nil)
    }

    @Test func fstabFieldsAreOctalEscaped() {
        let m = MountResource("/srv/data files", source: "//nas/share\\x", fstype: "cifs")
        #expect(m.fstabLine == "//nas/share\\134x /srv/data\\040files cifs defaults 0 0")
        #expect(MountTableField.unescaped("/srv/data\\040files") == "/srv/data files" && MountTableField.unescaped("a\\13") == "a\\13")
    }
}
