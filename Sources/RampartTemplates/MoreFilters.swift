import Foundation
import RampartBasics
import RampartModel
import Stencil
import Yams

/// The filters roles written for Ansible lean on, beyond the basic ones (TemplateFilters):
/// paths, regular expressions, maps and lists, choices, YAML, base64 and password hashes.
/// All deterministic; a secret keeps its marker through the ones that need its clear text.
enum MoreFilters {
    static let names = ["dirname", "basename", "regex_replace", "regex_search", "combine", "difference", "ternary",
                        "to_nice_yaml", "b64encode", "b64decode", "password_hash", "dict2items", "version"]

    static func register(in ext: Extension, secrets: SecretTable) {
        ext.registerFilter("dirname") { value in
            let path = TemplateFilters.stringValue(value)
            guard let slash = path.lastIndex(of: "/") else { return "" }
            let parent = String(path[..<slash])
            return parent.isEmpty ? "/" : parent
        }
        ext.registerFilter("basename") { value in
            let path = TemplateFilters.stringValue(value)
            return path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        }
        ext.registerFilter("regex_replace") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard (1...2).contains(arguments.count) else {
                throw TemplateSyntaxError("'regex_replace' takes a pattern and a replacement: regex_replace:\"^old\",\"new\"")
            }
            let regex = try expression(arguments[0], "regex_replace")
            let text = TemplateFilters.stringValue(value)
            // Ansible's \1 back-references are NSRegularExpression's $1.
            let replacement = arguments.count == 2 ? backReferences(TemplateFilters.stringValue(arguments[1])) : ""
            return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
        }
        ext.registerFilter("regex_search") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard arguments.count == 1 else { throw TemplateSyntaxError("'regex_search' takes a pattern: regex_search:\"[0-9]+\"") }
            let regex = try expression(arguments[0], "regex_search")
            let text = TemplateFilters.stringValue(value)
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(match.range, in: text) else { return "" }
            return String(text[range])
        }
        ext.registerFilter("combine") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard var result = value as? [String: Any] else { throw TemplateSyntaxError("'combine' works on a map") }
            let recursive = arguments.count == 2 && truthy(arguments[1])
            guard (1...2).contains(arguments.count), let other = arguments[0] as? [String: Any] else {
                throw TemplateSyntaxError("'combine' takes a map: combine:overrides (and true to merge nested maps)")
            }
            result = merged(result, other, recursive: recursive)
            return result
        }
        ext.registerFilter("difference") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard let list = value as? [Any], arguments.count == 1, let other = arguments[0] as? [Any] else {
                throw TemplateSyntaxError("'difference' takes two lists: list|difference:other")
            }
            let excluded = Set(other.map(TemplateFilters.stringValue))
            var seen: Set<String> = []
            return list.filter { item in
                let key = TemplateFilters.stringValue(item)
                return !excluded.contains(key) && seen.insert(key).inserted
            }
        }
        ext.registerFilter("ternary") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard arguments.count == 2 else { throw TemplateSyntaxError("'ternary' takes two values: flag|ternary:\"yes\",\"no\"") }
            return truthy(value) ? arguments[0] : arguments[1]
        }
        // Ansible's version test as a filter, in Debian's order (`when:`'s `is version` too):
        // {% if facts.packages['openssh-server']|default:'0'|version:'1:8.5','>=' %}
        ext.registerFilter("version") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard arguments.count == 2 else { throw TemplateSyntaxError("'version' takes a version and an operator: v|version:'1:8.5','>='") }
            do {
                return try DebianVersion.compare(TemplateFilters.stringValue(value), TemplateFilters.stringValue(arguments[0]),
                                                 TemplateFilters.stringValue(arguments[1]))
            } catch let failure as Condition.Failure {
                throw TemplateSyntaxError("'version': \(failure.message)")
            }
        }
        ext.registerFilter("dict2items") { value in
            guard let map = value as? [String: Any] else { throw TemplateSyntaxError("'dict2items' works on a map") }
            return map.keys.sorted().map { ["key": $0, "value": map[$0]!] as [String: Any] }
        }
        ext.registerFilter("to_nice_yaml") { value in
            guard !containsSecret(value) else {
                throw TemplateSyntaxError("'to_nice_yaml' cannot take a secret: write the secret's own line with {{ secret }}")
            }
            return try Yams.dump(object: plain(value), indent: 2, width: -1, allowUnicode: true, sortKeys: true)
        }
        ext.registerFilter("b64encode") { value in
            try keepingSecret(value, secrets) { Data($0.utf8).base64EncodedString() }
        }
        ext.registerFilter("b64decode") { value in
            try keepingSecret(value, secrets) { text in
                guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
                    throw TemplateSyntaxError("'b64decode' was given text that is not base64 of UTF-8")
                }
                return decoded
            }
        }
        ext.registerFilter("password_hash") { (value: Any?, arguments: [Any?], context: Context) throws -> Any? in
            guard (0...2).contains(arguments.count) else {
                throw TemplateSyntaxError("'password_hash' takes a scheme and an optional salt seed: password_hash:\"sha512\"")
            }
            let name = arguments.first.map(TemplateFilters.stringValue) ?? "sha512"
            guard let scheme = PasswordHash.Scheme(rawValue: name) else {
                throw TemplateSyntaxError("'password_hash' knows \(PasswordHash.Scheme.allCases.map(\.rawValue).joined(separator: " and ")), not '\(name)'")
            }
            // Stable per host: the salt comes from the host's name (and the seed, if given).
            let host = TemplateFilters.stringValue(context["inventory_hostname"])
            let seed = host + "\u{0}" + (arguments.count == 2 ? TemplateFilters.stringValue(arguments[1]) : "")
            let hashed = try keepingSecret(value, secrets) { try PasswordHash.hash($0, scheme: scheme, saltSeed: seed) }
            // A hash is as good as the password to an offline guesser: it stays a secret.
            if hashed is SecretMarker { return hashed }
            return secrets.marker(for: Secret(TemplateFilters.stringValue(hashed)))
        }
    }

    /// Applies `transform` to a value's clear text; a secret's result is a secret again.
    private static func keepingSecret(_ value: Any?, _ secrets: SecretTable, _ transform: (String) throws -> String) throws -> Any {
        if let marker = value as? SecretMarker {
            let result = try secrets.secrets[marker.index].withRevealed { try transform($0) }
            return secrets.marker(for: Secret(result))
        }
        return try transform(TemplateFilters.stringValue(value))
    }

    private static func expression(_ pattern: Any?, _ filter: String) throws -> NSRegularExpression {
        let text = TemplateFilters.stringValue(pattern)
        do { return try NSRegularExpression(pattern: text) } catch {
            throw TemplateSyntaxError("'\(filter)' was given '\(text)', which is not a regular expression")
        }
    }

    /// `\1` → `$1` (and a literal `$` kept literal).
    static func backReferences(_ replacement: String) -> String {
        var out = ""
        var characters = replacement.makeIterator()
        while let c = characters.next() {
            switch c {
            case "$": out += "\\$"
            case "\\":
                if let next = characters.next() { out += next.isNumber ? "$\(next)" : "\\\(next)" } else { out += "\\\\" }
            default: out.append(c)
            }
        }
        return out
    }

    /// Python's truth, as Ansible's ternary and conditions use it.
    static func truthy(_ value: Any?) -> Bool {
        switch value {
        case nil: return false
        case let bool as Bool: return bool
        case let int as Int: return int != 0
        case let double as Double: return double != 0
        case let string as String: return !string.isEmpty
        case let list as [Any]: return !list.isEmpty
        case let map as [String: Any]: return !map.isEmpty
        default: return true
        }
    }

    private static func merged(_ base: [String: Any], _ other: [String: Any], recursive: Bool) -> [String: Any] {
        var result = base
        for (key, value) in other {
            if recursive, let inner = result[key] as? [String: Any], let overriding = value as? [String: Any] {
                result[key] = merged(inner, overriding, recursive: true)
            } else {
                result[key] = value
            }
        }
        return result
    }

    private static func containsSecret(_ value: Any?) -> Bool {
        switch value {
        case is SecretMarker: return true
        case let list as [Any]: return list.contains(where: containsSecret)
        case let map as [String: Any]: return map.values.contains(where: containsSecret)
        default: return false
        }
    }

    /// Stencil's values as Yams dumps them (maps and lists of text, numbers, booleans).
    private static func plain(_ value: Any?) -> Any {
        switch value {
        case nil: return NSNull()
        case let list as [Any]: return list.map(plain)
        case let map as [String: Any]: return map.mapValues(plain)
        case let string as String: return string
        case let int as Int: return int
        case let double as Double: return double
        case let bool as Bool: return bool
        default: return TemplateFilters.stringValue(value)
        }
    }
}
