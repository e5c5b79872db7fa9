import Foundation
import RampartBasics
import RampartModel
import RampartTemplates
import RampartTestSupport
import Testing

struct TemplateFuzzTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let seeds: [String] = [
        (try? String(contentsOf: repository.appendingPathComponent("templates/common/motd.j2"), encoding: .utf8)) ?? "",
        "{% for s in servers where s.port > 0 %}server {{ s.name|upper }} {{ s.port|default:80 }};\n{% empty %}none{% endfor %}\n",
        "{% if a and not b or c == 'x' %}{{ m|to_json }}{% elif d %}{{ l|join:\", \" }}{% else %}{{ p }}{% endif %}\n",
        "{% include \"part.j2\" %}{{ hostvars[peer].address }} {{ groups['web'].0 }}{# comment #}\n",
    ]

    static let variables: [String: Value] = [
        "servers": .list([.map(["name": .string("a"), "port": .int(1)]), .map(["name": .string("b"), "port": .int(2)])]),
        "a": .bool(true), "b": .bool(false), "c": .string("x"), "d": .int(0), "m": .map(["k": .string("v")]),
        "l": .list([.string("x"), .string("y")]), "p": .secret(Secret("fuzz-secret-77")), "peer": .string("web1"),
        "hostvars": .map(["web1": .map(["address": .string("10.0.0.11")])]), "groups": .map(["web": .list([.string("web1")])]),
        "motd_banner": .string("b"), "inventory_hostname": .string("web1"), "host": .map(["address": .string("10.0.0.11")]),
        "group_names": .list([.string("web")]), "x": .int(1),
    ]

    /// 100,000 mutated templates: each renders or fails with located diagnostics, never crashes,
    /// hangs, or leaks the secret into a message.
    @Test func hundredThousandMutatedTemplates() {
        let renderer = TemplateRenderer(library: TemplateLibrary(root: "templates", files: ["part.j2": "{{ x }}"]))
        var rng = SplitMix64(state: 4711)
        let alphabet = Array("{}%#|:,.'\"\n -_[]()=<>!abcxyz0123456789") + ["{{", "}}", "{%", "%}", "endfor", "endif", " in "].flatMap { Array($0) }
        var rendered = 0, rejected = 0
        for index in 0..<100_000 {
            var chars = Array(Self.seeds[index % Self.seeds.count])
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = chars.isEmpty ? 0 : Int.random(in: 0..<chars.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where !chars.isEmpty: chars[i] = alphabet.randomElement(using: &rng)!
                case 1 where !chars.isEmpty: chars.removeSubrange(i..<min(chars.count, i + Int.random(in: 1...8, using: &rng)))
                default: chars.insert(alphabet.randomElement(using: &rng)!, at: i)
                }
            }
            do {
                _ = try renderer.render(string: String(chars) + "{{ x }}", variables: Self.variables,
                                        origin: SourceLocation(file: "fuzz.j2", line: 1, column: 1))
                rendered += 1
            } catch let error as DiagnosticError {
                rejected += 1
                if error.diagnostics.isEmpty || error.diagnostics.contains(where: { $0.location == nil }) || error.description.contains("fuzz-secret") {
                    Issue.record("input \(index): bad diagnostics \(error)")
                    return
                }
            } catch {
                Issue.record("input \(index): \(type(of: error)) instead of a diagnostic")
                return
            }
        }
        #expect(rendered > 1_000 && rejected > 1_000)
    }
}
