import RampartBasics
@testable import RampartModel
import RampartTestSupport
import Testing

/// The `when:` language as data: texts in, trees or errors (with their column) out; values in,
/// truth out; and Debian's version order checked against `dpkg --compare-versions` itself.
struct ConditionTests {
    static let variables: [String: Value] = [
        "nginx_enabled": .bool(true), "auditd_enabled": .bool(false), "workers": .int(4), "name": .string("web1"),
        "groups": .map(["webservers": .list([.string("web1"), .string("web2")])]), "password": .secret(Secret("s3cret")),
    ]
    static func resolve(_ path: [String]) -> Condition.Outcome {
        if path.first == "facts" {
            switch path.dropFirst().joined(separator: ".") {
            case "os.id": return .value(.string("debian"))
            case "os.version": return .value(.string("12"))
            case "packages.openssh-server": return .value(.string("1:9.2p1-2+deb12u3"))
            case "cpus": return .unknown
            default: return .undefined
            }
        }
        var value = variables[path[0]]
        for key in path.dropFirst() { if case .map(let m)? = value { value = m[key] } else { value = nil } }
        return value.map { .value($0) } ?? .undefined
    }

    static let truths: [(String, Bool?)] = [
        ("nginx_enabled", true), ("not auditd_enabled", true), ("nginx_enabled and auditd_enabled", false),
        ("auditd_enabled or workers > 2", true), ("workers >= 4 and workers < 5", true), ("workers == 4.0", true),
        ("name == 'web1'", true), ("name != \"web1\"", false), ("name in groups.webservers", true), ("'web3' not in groups.webservers", true),
        ("'eb' in name", true), ("undefined_var is not defined", true), ("nginx_enabled is defined", true), ("missing is undefined", true),
        ("facts.os.id == 'debian' and facts.os.version is version('12', '>=')", true),
        ("facts.os.version is version('11', 'lt')", false), ("facts.packages['openssh-server'] is version('1:9.0', '>=')", true),
        ("facts.packages.nginx is defined", false), ("(workers > 8 or nginx_enabled) and not (name == 'db1')", true),
        ("facts.cpus >= 2", nil), ("auditd_enabled and facts.cpus >= 2", false), ("nginx_enabled or facts.cpus >= 2", true),
        ("'12' == 12", false), ("[1, 2] == [1, 2]", true), ("true", true), ("none", false),
    ]

    @Test(arguments: truths.indices)
    func evaluates(index: Int) throws {
        let (text, expected) = Self.truths[index]
        let condition = try ConditionParser.parse(text)
        #expect(try condition.holds(Self.resolve) == expected, "\(text) → \(condition)")
        // What the catalog prints back parses to the same tree.
        #expect(try ConditionParser.parse(condition.description) == condition, "\(condition.description)")
    }

    static let syntaxErrors: [(String, String, Int)] = [
        ("nginx_enabled = true", "'=' assigns; compare with '=='", 15),
        ("a and", "the condition ends where a value is expected", 6),
        ("a is versoin('1', '>')", "unknown test 'versoin' (did you mean 'version'?)", 6),
        ("a is version()", "version takes a version and an operator", 6),
        ("(a or b", "expected ')', found the end", 8),
        ("a b", "unexpected 'b' after a complete condition", 3),
        ("name == 'web1", "a quoted text is not closed", 9),
        ("x | lower", "write `and` / `or` (filters are not part of conditions)", 3),
        ("facts.files[/etc/x]", "unexpected character '/' (quote a path", 13), ("facts.files[x]", "write a key in quotes", 13),
    ]

    @Test(arguments: syntaxErrors.indices)
    func refusesWithTheColumn(index: Int) {
        let (text, message, column) = Self.syntaxErrors[index]
        do {
            _ = try ConditionParser.parse(text)
            Issue.record("\(text) parsed")
        } catch let failure as ConditionParser.Failure {
            #expect(failure.message.hasPrefix(message) && failure.column == column, "\(text): \(failure.message) at \(failure.column)")
        } catch { Issue.record("\(error)") }
    }

    @Test func evaluationErrorsSayWhat() throws {
        for (text, message) in [("missing == 1", "missing is undefined"), ("name > 3", "order needs two numbers or two texts"),
                                ("password", "a condition cannot test a secret"), ("name is version('1', 'newer')", "unknown version operator 'newer'")] {
            #expect(throws: Condition.Failure.self, "\(text)") { try ConditionParser.parse(text).holds(Self.resolve) }
            do { _ = try ConditionParser.parse(text).holds(Self.resolve) } catch let failure as Condition.Failure {
                #expect(failure.message.contains(message), "\(text): \(failure.message)")
            }
        }
    }

    @Test func theCatalogKeepsOnlyTheFacts() throws {
        let condition = try ConditionParser.parse("nginx_enabled and facts.os.id == 'ubuntu' and name in groups.webservers")
        let residual = condition.substituting({ path in
            if case .value(let v) = Self.resolve(path) { return v } else { return nil }
        }, keep: { $0.first == "facts" })
        #expect(residual.paths == [["facts", "os", "id"]])
        #expect(try residual.holds { $0.first == "facts" ? .unknown : .undefined } == nil)
        #expect(try residual.holds(Self.resolve) == false)
    }

    /// Debian's order against dpkg's own on this machine.
    @Test func debianVersionOrderIsDpkgs() {
        let pairs = [("1.0", "1.0"), ("1.0", "1.1"), ("1.0~rc1", "1.0"), ("1:1.0", "2.0"), ("10.11.6-0+deb12u1", "10.11.6-0+deb12u2"),
                     ("9.2p1-2+deb12u3", "9.2p1-2"), ("9.2p1", "9.10"), ("1.0a", "1.0+"), ("1.0-1", "1.0-1~bpo12+1"), ("2.36", "2.4"),
                     ("0:1.2", "1.2"), ("1.2.3", "1.2.3.0"), ("252.39-1~deb12u2", "252.39-1"), ("1.22.1-9", "1.22.1-10"), ("a", "B")]
        for (a, b) in pairs {
            for op in ["lt", "eq", "gt"] {
                let dpkg = LocalShell.run("dpkg --compare-versions '\(a)' \(op) '\(b)'").status == 0
                let ours = (try? DebianVersion.compare(a, b, op)) ?? !dpkg
                #expect(ours == dpkg, "\(a) \(op) \(b): dpkg says \(dpkg)")
            }
        }
    }
}
