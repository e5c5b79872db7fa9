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

    /// Set to `true` in an encoder's `userInfo` to leave where things were declared out of the
    /// output: a catalog from Swift and the same from YAML then encode byte for byte alike.
    public static let omittedInEncoding = CodingUserInfoKey(rawValue: "rampart.provenance.omitted")!

    enum CodingKeys: String, CodingKey { case location, fields }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if encoder.userInfo[Self.omittedInEncoding] as? Bool == true { return }
        try container.encodeIfPresent(location, forKey: .location)
        try container.encode(fields, forKey: .fields)
    }
}
