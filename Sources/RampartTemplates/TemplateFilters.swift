import Foundation
import RampartBasics
import Stencil

/// Filters beyond Stencil's own (default, join, indent, split, uppercase, lowercase,
/// capitalize), named as Ansible users know them. All deterministic.
enum TemplateFilters {
    static let names = ["to_json", "upper", "lower", "length", "replace", "quote", "int", "string", "sort"]

    static func makeExtension(secrets: SecretTable) -> Extension {
        let ext = Extension()
        MoreFilters.register(in: ext, secrets: secrets)
        ext.registerFilter("to_json") { value in toJSON(value) }
        ext.registerFilter("upper") { value in stringValue(value).uppercased() }
        ext.registerFilter("lower") { value in stringValue(value).lowercased() }
        ext.registerFilter("string") { value in stringValue(value) }
        ext.registerFilter("length") { value -> Any? in
            if let list = value as? [Any] { return list.count }
            if let map = value as? [String: Any] { return map.count }
            return stringValue(value).count
        }
        ext.registerFilter("int") { value -> Any? in
            if let int = value as? Int { return int }
            return Int(stringValue(value).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        ext.registerFilter("sort") { value -> Any? in
            guard let list = value as? [Any] else { return value }
            return list.map(stringValue).sorted()
        }
        ext.registerFilter("replace") { (value: Any?, arguments: [Any?]) throws -> Any? in
            guard arguments.count == 2 else { throw TemplateSyntaxError("'replace' takes two arguments: replace:\"old\",\"new\"") }
            return stringValue(value).replacingOccurrences(of: stringValue(arguments[0]), with: stringValue(arguments[1]))
        }
        ext.registerFilter("quote") { value -> Any? in
            if value is SecretMarker {
                throw TemplateSyntaxError("'quote' cannot take a secret: it would put the secret on a command line")
            }
            return "'" + stringValue(value).replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return ext
    }

    static func stringValue(_ value: Any?) -> String {
        switch value {
        case nil: return ""
        case let string as String: return string
        case let convertible as CustomStringConvertible: return convertible.description
        default: return "\(value!)"
        }
    }

    /// JSON with sorted keys and no insignificant whitespace, so it is the same on every run.
    static func toJSON(_ value: Any?) -> String {
        switch value {
        case nil: return "null"
        case let marker as SecretMarker: return "\"" + SecretTable.marker(marker.index, escaping: .json) + "\""
        case let string as String: return "\"" + JSONString.escaped(string) + "\""
        case let bool as Bool: return bool ? "true" : "false"
        case let int as Int: return String(int)
        case let double as Double: return double.isFinite ? String(double) : "null"
        case let list as [Any]: return "[" + list.map(toJSON).joined(separator: ",") + "]"
        case let map as [String: Any]:
            return "{" + map.keys.sorted().map { "\"" + JSONString.escaped($0) + "\":" + toJSON(map[$0]) }.joined(separator: ",") + "}"
        default: return "\"" + JSONString.escaped(stringValue(value)) + "\""
        }
    }

}
