import RampartBasics

/// A variable's value as the user wrote it: YAML scalars, lists and maps, or a secret.
public indirect enum Value: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([Value])
    case map([String: Value])
    case secret(Secret)
    case null

    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.keys.sorted().map { "\($0): \(map[$0]!.description)" }.joined(separator: ", ") + "}"
        case .secret: return Secret.placeholder
        case .null: return "null"
        }
    }
}
