/// Where a model value was declared: kept for diagnostics, ignored by `==` and hashing, so a
/// model built in Swift equals the same model loaded from YAML.
public struct Provenance: Sendable, Hashable, Codable, CustomStringConvertible {
    public var location: SourceLocation?
    /// Where each field's value was written, by field name, for errors about one field.
    public var fields: [String: SourceLocation]

    public init(_ location: SourceLocation? = nil, fields: [String: SourceLocation] = [:]) {
        self.location = location
        self.fields = fields
    }

    /// The key under which `fields` holds where variable `name` was set (`vars.NAME`).
    public static func variableField(_ name: String) -> String { "vars." + name }

    /// The field's own location when known, else the declaration's.
    public func location(of field: String) -> SourceLocation? { fields[field] ?? location }

    public static func == (lhs: Provenance, rhs: Provenance) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    public var description: String { location?.description ?? "(built in Swift)" }
}
