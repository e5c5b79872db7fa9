import RampartBasics
import RampartModel
import Yams

extension YAMLSource {
    /// `when:` — an expression, a list of them (all must hold, as Ansible's), or `true`/`false`;
    /// a syntax error points at its column in the file.
    func condition(_ node: Node, what: String, key: String = "when") -> Condition? {
        switch node {
        case .scalar(let scalar):
            do {
                let condition = try ConditionParser.parse(scalar.string)
                if let unknown = FactPaths.unknownFact(in: condition) {
                    error("`\(key)` of \(what) \(unknown.message)", hint: unknown.hint, node: node)
                    return nil
                }
                return condition
            } catch let failure as ConditionParser.Failure {
                var at = location(node)
                let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                if scalar.style != .literal && scalar.style != .folded && !scalar.string.contains("\n") {
                    at.column += failure.column - 1 + (quoted ? 1 : 0)
                }
                error("`\(key)` of \(what): \(failure.message)", hint: "e.g. `\(key): facts.os.id == 'debian' and facts.os.version is version('12', '>=')`", at: at)
            } catch {}
            return nil
        case .sequence(let items):
            var parts: [Condition] = []
            for item in items {
                guard case .scalar = item else {
                    self.error("each entry of `\(key)` of \(what) is one condition", hint: "write `- facts.os.id == 'debian'`", node: item)
                    return nil
                }
                guard let part = condition(item, what: what, key: key) else { return nil }
                parts.append(part)
            }
            return Condition.all(parts) ?? .literal(.bool(true))
        default:
            self.error("`\(key)` of \(what) must be a condition or a list of them", hint: "e.g. `when: nginx_enabled`", node: node)
            return nil
        }
    }
}
