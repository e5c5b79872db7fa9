import Foundation
import RampartBasics
import RampartModel
@testable import RampartTemplates
import Testing

/// The filters for roles written the Ansible way: each rendered through Stencil as a role
/// would use it, and password hashes checked by verifiers that are not Rampart's.
struct MoreFiltersTests {
    private func render(_ text: String, _ variables: [String: Value] = [:]) throws -> SensitiveText {
        try TemplateRenderer(library: TemplateLibrary(root: "templates", files: [:]))
            .render(string: text, variables: variables, origin: nil)
    }

    @Test func pathsAndRegularExpressions() throws {
        let v: [String: Value] = ["p": .string("/etc/nginx/nginx.conf"), "top": .string("/x"), "host": .string("web-01"),
                                  "version": .string("OpenSSH_9.2p1 Debian-2+deb12u3")]
        #expect(try render("{{ p|dirname }} {{ p|basename }} {{ top|dirname }}", v).redacted == "/etc/nginx nginx.conf /")
        #expect(try render(#"{{ host|regex_replace:"^(\w+)-(\d+)$","\2.\1" }}"#, v).redacted == "01.web")
        #expect(try render(#"{{ host|regex_replace:"-[0-9]+" }}"#, v).redacted == "web", "no replacement: removed")
        #expect(try render(#"{{ version|regex_search:"[0-9]+\.[0-9]+" }}|{{ host|regex_search:"z+" }}"#, v).redacted == "9.2|")
        #expect(throws: DiagnosticError.self) { try render(#"{{ host|regex_search:"(" }}"#, v) }
    }

    @Test func mapsListsAndChoices() throws {
        let v: [String: Value] = [
            "base": .map(["a": .int(1), "nested": .map(["x": .int(1)])]),
            "over": .map(["b": .int(2), "nested": .map(["y": .int(2)])]),
            "all": .list([.string("a"), .string("b"), .string("c"), .string("b")]), "drop": .list([.string("b")]),
            "on": .bool(true), "off": .bool(false), "empty": .string(""),
        ]
        #expect(try render("{{ base|combine:over|to_json }}", v).redacted == #"{"a":1,"b":2,"nested":{"y":2}}"#)
        #expect(try render("{{ base|combine:over,true|to_json }}", v).redacted == #"{"a":1,"b":2,"nested":{"x":1,"y":2}}"#)
        #expect(try render("{{ all|difference:drop|join:\",\" }}", v).redacted == "a,c")
        #expect(try render(#"{{ on|ternary:"yes","no" }} {{ off|ternary:"yes","no" }} {{ empty|ternary:"yes","no" }}"#, v).redacted == "yes no no")
        #expect(try render(#"{% for i in base|dict2items %}{{ i.key }}={{ i.value|to_json }};{% endfor %}"#, v).redacted == #"a=1;nested={"x":1};"#)
        #expect(try render("{{ over|to_nice_yaml }}", v).redacted == "b: 2\nnested:\n  y: 2\n")
    }

    @Test func versionsInDebiansOrder() throws {
        let v: [String: Value] = ["ssh": .string("1:9.2p1-2+deb12u3"), "old": .string("1:8.4p1-5+deb11u3"), "maria": .string("1:10.11.6-0+deb12u1")]
        let pick = "{% if ssh|version:'1:8.5','>=' %}pq{% else %}classic{% endif %} {% if old|version:'1:8.5','>=' %}pq{% else %}classic{% endif %}"
        #expect(try render(pick, v).redacted == "pq classic", "an sshd template that picks algorithms by OpenSSH's version")
        #expect(try render("{{ maria|version:'1:10.5.9','ge' }} {{ maria|version:'1:10.11.6~','<' }}", v).redacted == "true false")
        #expect(throws: DiagnosticError.self) { try render("{{ ssh|version:'9','~>' }}", v) }
        #expect(throws: DiagnosticError.self) { try render("{{ ssh|version:'9' }}", v) }
    }

    @Test func base64KeepsASecretSecret() throws {
        #expect(try render("{{ t|b64encode }}", ["t": .string("hello")]).redacted == "aGVsbG8=")
        #expect(try render("{{ t|b64decode }}", ["t": .string("aGVsbG8=")]).redacted == "hello")
        let text = try render("key={{ k|b64encode }}", ["k": .secret(Secret("s3cret"))])
        #expect(text.redacted == "key=(sensitive)")
        #expect(text.revealed() == "key=" + Data("s3cret".utf8).base64EncodedString())
        #expect(throws: DiagnosticError.self) { try render("{{ m|to_nice_yaml }}", ["m": .map(["pw": .secret(Secret("s3cret"))])]) }
    }

    @Test func passwordHashesAreStablePerHostAndVerifyElsewhere() throws {
        let password = "correct horse battery staple"
        func hash(_ host: String, _ scheme: String) throws -> SensitiveText {
            try render("{{ pw|password_hash:\"\(scheme)\" }}", ["pw": .secret(Secret(password)), "inventory_hostname": .string(host)])
        }
        let web1 = try hash("web1", "sha512")
        #expect(web1.isSensitive && web1.redacted == "(sensitive)", "a hash stays secret")
        let clear = web1.revealed()
        #expect(clear.hasPrefix("$6$"))
        #expect(try hash("web1", "sha512").revealed() == clear, "the same host, the same hash: a re-run is a no-op")
        #expect(try hash("web2", "sha512").revealed() != clear, "another host, another salt")
        // OpenSSL's own sha512-crypt, given our salt, must make the same hash.
        let salt = clear.split(separator: "$")[1]
        let openssl = try run("/usr/bin/openssl", ["passwd", "-6", "-salt", String(salt), "-stdin"], stdin: password)
        #expect(openssl == clear + "\n", "\(openssl) vs \(clear)")
        // yescrypt (Debian 12's default for /etc/shadow), checked by Python's crypt, as PAM checks it: through the system's libcrypt.
        let yescrypt = try hash("web1", "yescrypt").revealed()
        #expect(yescrypt.hasPrefix("$y$"))
        let check = "import crypt,sys; h=sys.stdin.readline().strip(); print(crypt.crypt(sys.stdin.readline().rstrip('\\n'), h) == h)"
        #expect(try run("/usr/bin/python3", ["-W", "ignore", "-c", check], stdin: yescrypt + "\n" + password + "\n") == "True\n")
        #expect(throws: DiagnosticError.self) { try hash("web1", "md5") }
    }

    private func run(_ tool: String, _ arguments: [String], stdin: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
