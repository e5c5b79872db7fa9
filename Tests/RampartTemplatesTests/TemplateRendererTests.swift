import RampartBasics
import RampartModel
@testable import RampartTemplates
import Testing

private func renderer(_ files: [String: String]) -> TemplateRenderer {
    TemplateRenderer(library: TemplateLibrary(root: "templates", files: files))
}

private func messages(_ body: () throws -> Any) -> [String] {
    do { _ = try body(); return [] } catch let error as DiagnosticError {
        return error.diagnostics.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.message)" }
    } catch { return ["\(error)"] }
}

struct StrictTemplateTests {
    @Test func definedVariablesRenderAndUndefinedOnesAreErrorsWithLines() throws {
        let r = renderer(["a.j2": "x={{ x }}\n{% if flag %}y={{ y }}{% endif %}\n"])
        let out = try r.render(file: "a.j2", variables: ["x": .int(1), "flag": .bool(false), "y": .string("z")]).redacted
        #expect(out == "x=1\n", "\(out.debugDescription)")
        // `y` is inside a branch that would not run: still an error, strictness does not depend on data.
        #expect(messages { try r.render(file: "a.j2", variables: ["x": .int(1), "flag": .bool(false)]) } == ["2:19 undefined variable 'y'"])
    }

    @Test func defaultFilterExcusesOnlyItsOperand() throws {
        let r = renderer(["a.j2": "{{ port|default:443 }} {{ name|default:fallback }}"])
        #expect(messages { try r.render(file: "a.j2", variables: [:]) } == ["1:27 undefined variable 'fallback'"])
        #expect(try r.render(file: "a.j2", variables: ["fallback": .string("f")]).redacted == "443 f")
    }

    @Test func loopVariablesAreCheckedForEveryItem() throws {
        let r = renderer(["a.j2": "{% for s in servers %}{{ s.name }}:{{ s.port }} {% endfor %}{{ forloop_outside|default:'' }}"])
        let good: Value = .list([.map(["name": .string("a"), "port": .int(1)]), .map(["name": .string("b"), "port": .int(2)])])
        let out = try r.render(file: "a.j2", variables: ["servers": good]).redacted
        #expect(out == "a:1 b:2 ", "\(out.debugDescription)")
        let bad: Value = .list([.map(["name": .string("a"), "port": .int(1)]), .map(["name": .string("b")])])
        #expect(messages { try r.render(file: "a.j2", variables: ["servers": bad]) }
            == ["1:39 undefined variable 's.port' (for every item the loop takes): no 'port' in 's'"])
    }

    @Test func mapsIterateInKeyOrderAndToJSONIsSorted() throws {
        let r = renderer(["a.j2": "{% for k, v in m %}{{ k }}={{ v }};{% endfor %} {{ m|to_json }}"])
        let m: Value = .map(["zeta": .int(1), "alpha": .string("x\"y"), "mid": .list([.bool(true), .null])])
        let out = try r.render(file: "a.j2", variables: ["m": .map(["zeta": .int(1), "alpha": .int(2)])]).redacted
        #expect(out == "alpha=2;zeta=1; {\"alpha\":2,\"zeta\":1}")
        let json = try renderer(["b.j2": "{{ m|to_json }}"]).render(file: "b.j2", variables: ["m": m]).redacted
        #expect(json == "{\"alpha\":\"x\\\"y\",\"mid\":[true,\"\"],\"zeta\":1}")
    }

    @Test func nondeterminismIsRefused() {
        #expect(messages { try renderer(["a.j2": "{% now \"yyyy\" %}"]).render(file: "a.j2", variables: [:]) }
            == ["1:4 the `now` tag makes the output change on every run"])
        #expect(messages { try renderer(["a.j2": "{{ m }}"]).render(file: "a.j2", variables: ["m": .map([:])]) }
            == ["1:4 'm' is a map; printing it directly has no stable format"])
    }

    @Test func includesAreCheckedAndRenderedWithTheSameVariables() throws {
        let r = renderer(["main.j2": "[{% include \"part.j2\" %}]", "part.j2": "{{ name }}"])
        #expect(try r.render(file: "main.j2", variables: ["name": .string("n")]).redacted == "[n]")
        #expect(messages { try r.render(file: "main.j2", variables: [:]) } == ["1:4 undefined variable 'name'"])
        let looping = renderer(["a.j2": "{% include \"a.j2\" %}"])
        #expect(messages { try looping.render(file: "a.j2", variables: [:]) }.first?.contains("includes itself") == true)
    }

    @Test func smartWhitespaceLeavesNoBlankLinesForTagLines() throws {
        let r = renderer(["a.j2": "a\n{% for x in xs %}\n- {{ x }}\n{% endfor %}\nb\n"])
        #expect(try r.render(file: "a.j2", variables: ["xs": .list([.int(1), .int(2)])]).redacted == "a\n- 1\n- 2\nb\n")
    }

    @Test func inlineStringsWithoutTemplateSyntaxSkipStencil() throws {
        let r = renderer([:])
        #expect(try r.render(string: "/etc/{nginx}", variables: [:], origin: nil).redacted == "/etc/{nginx}")
        let origin = SourceLocation(file: "roles/x.yml", line: 7, column: 12)
        let error = #expect(throws: DiagnosticError.self) { try r.render(string: "/home/{{ usr }}", variables: ["user": .string("u")], origin: origin) }
        #expect(error?.diagnostics.first?.location == SourceLocation(file: "roles/x.yml", line: 7, column: 21))
        #expect(error?.diagnostics.first?.hint == "did you mean 'user'?")
    }
}

struct SecretTemplateTests {
    let secret = Secret("s3cret'pa\"ss")

    @Test func secretsStayMarkedThroughRendering() throws {
        let r = renderer(["db.cnf.j2": "[client]\nuser={{ user }}\npassword={{ password }}\n"])
        let text = try r.render(file: "db.cnf.j2", variables: ["user": .string("app"), "password": .secret(secret)])
        #expect(text.isSensitive)
        #expect(text.redacted == "[client]\nuser=app\npassword=(sensitive)\n")
        #expect(text.description == text.redacted)
        #expect(text.revealed() == "[client]\nuser=app\npassword=s3cret'pa\"ss\n")
        #expect(!"\(text)".contains("s3cret"))
    }

    @Test func secretsSurviveCaseFiltersIndentAndJSON() throws {
        let r = renderer(["a.j2": "{{ p|upper }}|{{ p|default:'x' }}|{{ m|to_json }}"])
        let text = try r.render(file: "a.j2", variables: ["p": .secret(secret), "m": .map(["pw": .secret(secret)])])
        #expect(text.redacted == "(sensitive)|(sensitive)|{\"pw\":\"(sensitive)\"}")
        // Case filters cannot change a secret (its marker has no letters); JSON escapes the clear text.
        #expect(text.revealed() == "s3cret'pa\"ss|s3cret'pa\"ss|{\"pw\":\"s3cret'pa\\\"ss\"}")
    }

    @Test func aSecretCannotBeShellQuotedOntoACommandLine() {
        let r = renderer(["a.j2": "mysql -p{{ p|quote }}"])
        #expect(messages { try r.render(file: "a.j2", variables: ["p": .secret(secret)]) }.first?.contains("cannot take a secret") == true)
    }

    @Test func errorMessagesNeverContainTheSecret() {
        let r = renderer(["a.j2": "{{ p.field }} {{ missing }}"])
        let all = messages { try r.render(file: "a.j2", variables: ["p": .secret(secret)]) }.joined()
        #expect(!all.isEmpty)
        #expect(!all.contains("s3cret"))
    }
}

struct ExpressionTests {
    @Test func referencesFiltersAndGuards() {
        let refs = ExpressionReferences("a.b|default:c and not d[e] == 'x'|upper")
        #expect(refs.references.map(\.path) == ["a.b", "c", "d[e]"])
        #expect(refs.references.map(\.guarded) == [true, false, false])
        #expect(refs.filters == ["default", "upper"])
        #expect(PathComponent.parse("hostvars[peer].address") == [.key("hostvars"), .dynamic("peer"), .key("address")])
        #expect(PathComponent.parse("groups['web'].0") == [.key("groups"), .key("web"), .key("0")])
    }
}
