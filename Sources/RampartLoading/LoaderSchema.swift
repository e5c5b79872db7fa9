import Foundation
import RampartModel

/// What a resource field's reader asks for (`Fields` notes it when it runs with a recorder).
enum FieldType: Equatable {
    /// Any scalar, read as its text.
    case text
    /// Text, or a secret (`!env NAME`, a vault variable's template).
    case secretText
    case boolean
    /// true, false or null.
    case nullableBoolean
    case integer(ClosedRange<Int>)
    case integers(ClosedRange<Int>)
    /// Quoted octal bits or chmod's symbolic clauses.
    case mode
    case texts
    /// `{ name: scalar }`.
    case textMap
    case choice([String])
    /// `[KIND:NAME, …]`.
    case references
    /// `[{ port or ports, proto, from, comment }]`.
    case firewallRules
}

/// Collects the types a reader asks for while it runs over an empty declaration.
final class FieldRecorder {
    var types: [String: FieldType] = [:]
}

/// JSON Schema (draft 2020-12) of the files Rampart loads — inventories, playbooks, role files —
/// made from the loader itself: the allowed keys are the loaders' own lists, and each resource
/// kind's fields are typed by running that kind's reader over an empty declaration (so a field
/// added to a reader is in the schema). `rampart schema` prints it; `init` points new files at
/// it with a `# yaml-language-server: $schema=` line, so editors complete and flag typos.
/// Checks that need more than one file (references, templates, conditions) stay the loader's.
public enum LoaderSchema {
    public enum Document: String, CaseIterable, Sendable {
        case inventory, playbook, role
        /// The file name `rampart schema --write` gives it.
        public var fileName: String { "rampart-\(rawValue).schema.json" }
    }

    /// The schema as JSON text, keys sorted (stable: committed copies can be compared).
    public static func json(_ document: Document) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: schema(document), options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func schema(_ document: Document) -> [String: Any] {
        var root: [String: Any]
        switch document {
        case .inventory: root = inventory
        case .playbook: root = playbook
        case .role: root = role
        }
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$id"] = "https://rampart.invalid/schema/\(document.fileName)"
        root["title"] = "Rampart \(document.rawValue)"
        return root
    }

    // MARK: - Building blocks

    /// `{{ … }}`: a typed field may be a template, rendered and checked per host.
    static var templated: [String: Any] { ["type": "string", "pattern": "\\{\\{"] }
    /// Any scalar: the loader reads numbers and booleans as their text.
    static var text: [String: Any] { ["type": ["string", "number", "boolean"]] }
    static var texts: [String: Any] { ["type": "array", "items": text] }
    static var variables: [String: Any] { ["type": "object"] }

    static func object(_ properties: [String: [String: Any]], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    /// Keys the loader allows, each typed here — a key missing from `types` is a programming
    /// error the schema tests catch (`untyped`).
    static func object(allowed keys: [String], _ types: [String: [String: Any]], required: [String] = []) -> [String: Any] {
        object(Dictionary(uniqueKeysWithValues: keys.map { ($0, types[$0] ?? ["description": untypedMarker]) }), required: required)
    }

    static let untypedMarker = "UNTYPED"

    static func integer(_ range: ClosedRange<Int>) -> [String: Any] {
        ["anyOf": [["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound],
                   ["type": "string", "pattern": "^-?[0-9]+$"], templated]]
    }

    static func schema(for type: FieldType) -> [String: Any] {
        switch type {
        case .text, .secretText: return text
        case .boolean: return ["anyOf": [["type": "boolean"], templated]]
        case .nullableBoolean: return ["anyOf": [["type": ["boolean", "null"]], templated]]
        case .firewallRules:
            let port: [String: Any] = ["type": "integer", "minimum": 1, "maximum": 65535]
            let rule = object(["port": port, "ports": ["type": "array", "items": port],
                               "proto": ["enum": FirewallResource.TransportProtocol.allCases.map(\.rawValue)],
                               "from": ["type": "array", "items": ["type": "string"]], "comment": ["type": "string"]])
            return ["type": "array", "items": rule]
        case .integer(let range): return integer(range)
        case .integers(let range):
            return ["anyOf": [["type": "array", "items": ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound]], templated]]
        case .mode:
            // Quoted: a bare 0644 is refused (YAML 1.1 and 1.2 read it differently).
            return ["type": "string"]
        case .texts: return texts
        case .textMap: return ["type": "object", "additionalProperties": text]
        case .choice(let values): return ["anyOf": [["enum": values], templated]]
        case .references:
            let kinds = ResourceKind.allCases.map(\.rawValue).joined(separator: "|")
            return ["type": "array", "items": ["type": "string", "pattern": "^(\(kinds)):.+"]]
        }
    }

    /// `when:` — one condition, or a list that must all hold.
    static var condition: [String: Any] { ["anyOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]] }

    // MARK: - Resources

    /// One item of `resources:`: one kind's declaration, checked by that kind's schema only (so an
    /// editor says which field is wrong). The kind is the item's first key; JSON has no order, so
    /// a kind that is also another kind's field (`group` of a `user`) counts only without that other.
    static var resource: [String: Any] {
        let all = ResourceKind.allCases
        let checks = all.map { kind -> [String: Any] in
            let owners = all.filter { $0 != kind && (ResourceReader.kindKeys[$0] ?? []).contains(kind.rawValue) }
            var when: [String: Any] = ["required": [kind.rawValue]]
            if !owners.isEmpty { when["not"] = ["anyOf": owners.map { ["required": [$0.rawValue]] }] }
            return ["if": when, "then": declaration(of: kind)]
        }
        return ["type": "object", "anyOf": all.map { ["required": [$0.rawValue]] }, "allOf": checks]
    }

    static func declaration(of kind: ResourceKind) -> [String: Any] {
        let types = ResourceReader.fieldTypes(of: kind)
        var properties: [String: [String: Any]] = [kind.rawValue: ["type": ["string", "number"], "description": "the \(kind.rawValue)'s name"]]
        for key in ResourceReader.kindKeys[kind] ?? [] {
            properties[key] = types[key].map(schema(for:)) ?? ["description": untypedMarker]
        }
        properties["requires"] = schema(for: .references)
        properties["subscribes"] = schema(for: .references)
        properties["when"] = condition
        properties["loop"] = ["anyOf": [["type": "string"], texts]]
        let fields = ResourceReader.required[kind] ?? []
        var schema: [String: Any]
        if ResourceReader.absentNeedsNoFields.contains(kind) && !fields.isEmpty {
            // As the reader: `state: absent` takes away what the other fields would describe.
            schema = object(properties, required: [kind.rawValue])
            schema["if"] = ["properties": ["state": ["const": "absent"]], "required": ["state"]]
            schema["else"] = ["required": fields]
        } else {
            schema = object(properties, required: [kind.rawValue] + fields)
        }
        schema["title"] = kind.rawValue
        return schema
    }

    static var assertion: [String: Any] { object(["that": condition, "message": ["type": "string"]], required: ["that"]) }

    static var roleBody: [String: Any] {
        object(allowed: PlaybookLoader.roleKeys, [
            "summary": ["type": "string"],
            "defaults": variables,
            "required": ["type": "array", "items": ["type": "string"]],
            "depends": ["type": "array", "items": ["type": "string"]],
            "assert": ["type": "array", "items": assertion],
            "resources": ["type": "array", "items": resource],
        ])
    }

    static var role: [String: Any] { roleBody }

    // MARK: - Playbook

    static var hook: [String: Any] { object(["on": ["type": "string"], "run": ["type": "string"]], required: ["on", "run"]) }

    static var playbook: [String: Any] {
        // `- nginx` or `- nginx: { parameters, when }`.
        let roleUse: [String: Any] = ["anyOf": [["type": "string"],
                                                ["type": "object", "minProperties": 1, "maxProperties": 1,
                                                 "additionalProperties": ["anyOf": [["type": "object"], ["type": "null"]]]]]]
        let play = object(allowed: PlaybookLoader.playKeys, [
            "name": ["type": "string"],
            "hosts": ["type": "string"],
            "roles": ["type": "array", "items": roleUse],
            "serial": integer(1...10_000),
            "after": ["type": "array", "items": ["type": "string"]],
            "before_each": hook,
            "after_each": hook,
            "when": condition,
        ], required: ["hosts"])
        return object(allowed: PlaybookLoader.topKeys, [
            "name": ["type": "string"],
            "roles": ["type": "object", "additionalProperties": roleBody],
            "plays": ["type": "array", "items": play],
        ], required: ["plays"])
    }

    // MARK: - Inventory

    static var connection: [String: Any] {
        let seconds: [String: Any] = ["type": "number", "exclusiveMinimum": 0]
        return object(allowed: InventoryLoader.connectionKeys, [
            "port": integer(1...65535),
            "user": ["type": "string"],
            "key": ["type": "string"],
            "known_hosts": ["type": "string"],
            "host_key_checking": ["enum": ["strict", "accept-new", "off"]],
            "become": ["type": "boolean"],
            "become_password_env": ["type": "string"],
            "connect_timeout": seconds,
            "command_timeout": seconds,
            "bootstrap_user": ["type": "string"],
            "keepalive_interval": integer(1...3600),
            "ssh_config": ["type": "string"],
            "jump": ["anyOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]],
        ])
    }

    static var inventory: [String: Any] {
        // `web1:` alone is a host known by its name; an empty group is a group.
        var host = object(allowed: InventoryLoader.hostKeys, ["address": ["type": "string"], "connection": connection, "vars": variables])
        host["type"] = ["object", "null"]
        var group = object(allowed: InventoryLoader.groupKeys, [
            "hosts": ["type": "array", "items": ["type": "string"]],
            "children": ["type": "array", "items": ["type": "string"]],
            "connection": connection,
            "vars": variables,
        ])
        group["type"] = ["object", "null"]
        return object(allowed: InventoryLoader.topKeys, [
            "connection": connection,
            "vars": variables,
            "hosts": ["type": "object", "additionalProperties": host],
            "groups": ["type": "object", "additionalProperties": group],
            "ca": object(["directory": ["type": "string"]]),
            "vault": object(["password_file": ["type": "string"]]),
        ], required: ["hosts"])
    }
}
