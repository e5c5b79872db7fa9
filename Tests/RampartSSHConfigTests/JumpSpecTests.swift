import RampartBasics
@testable import RampartSSHConfig
import Testing

@Suite struct JumpSpecTests {
    @Test func parsesTheFormsSSHAccepts() {
        #expect(JumpSpec.parse("bastion") == JumpSpec(host: "bastion"))
        #expect(JumpSpec.parse("admin@bastion:2222") == JumpSpec(user: "admin", host: "bastion", port: 2222))
        #expect(JumpSpec.parse("ssh://jump@b.example.com:2200") == JumpSpec(user: "jump", host: "b.example.com", port: 2200))
        #expect(JumpSpec.parse("[2001:db8::1]:22") == JumpSpec(host: "2001:db8::1", port: 22))
        #expect(JumpSpec.parse("a@b@host") == JumpSpec(user: "a@b", host: "host"))
        for bad in ["", "::1", "host:", "host:0", "host:70000", "@host", "ssh://h/path", "a b"] {
            #expect(JumpSpec.parse(bad) == nil, "\(bad) was accepted")
        }
        #expect(JumpSpec(host: "2001:db8::1", port: 2200).description == "[2001:db8::1]:2200")
    }

    @Test func theFirstHopsOwnJumpsExtendTheRouteAndLaterHopsDoNot() throws {
        let own: [String: [JumpSpec]] = [
            "target": [JumpSpec(host: "inner"), JumpSpec(host: "edge")],
            "inner": [JumpSpec(host: "outer")],
            "edge": [JumpSpec(host: "ignored")],
        ]
        let hops = try JumpRoute.hops(to: "target") { name in own[name].map { ($0, nil) } }
        #expect(hops.map(\.host) == ["outer", "inner", "edge"])
        #expect(throws: SSHConfigError.self) {
            _ = try JumpRoute.hops(to: "t") { name in name == "t" ? ([JumpSpec(host: "x"), JumpSpec(host: "t")], nil) : nil }
        }
    }

    @Test func patternsAreOpenSSHGlobs() {
        #expect(HostPattern.matches("web10", "web*"))
        #expect(HostPattern.matches("web1", "web?"))
        #expect(!HostPattern.matches("web10", "web?"))
        #expect(HostPattern.matches("a.b.c", "*.c"))
        #expect(!HostPattern.matches("WEB1", "web*"))
        #expect(HostPattern.matchList("db1", "web*,db*", lowercasePatterns: true) == .matched)
        #expect(HostPattern.matchList("db1", "*,!db1", lowercasePatterns: true) == .vetoed)
        #expect(HostPattern.matchList("db1", "!web1", lowercasePatterns: true) == .notMatched)
    }

    @Test func convtimeReadsOpenSSHTimes() {
        #expect(SSHConfigSyntax.convtime("90") == 90)
        #expect(SSHConfigSyntax.convtime("1m30s") == 90)
        #expect(SSHConfigSyntax.convtime("2H") == 7200)
        #expect(SSHConfigSyntax.convtime("-1") == nil)
        #expect(SSHConfigSyntax.convtime("abc") == nil)
    }
}
