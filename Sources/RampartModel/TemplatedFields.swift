import RampartBasics

/// Typed fields of a declared resource written as templates (`state: "{{ nginx_state }}"`,
/// `mode: "{{ key_mode }}"`, `ports: "{{ app_ports }}"`): the loader cannot type them, so it
/// keeps the template and a way to read the declaration again; the catalog renders the
/// templates per host and has the declaration read with the results, through the same rules
/// (and the same errors, at the field) as a literal. A literal costs nothing of this.
public struct TemplatedFields: Sendable, Hashable, Codable {
    /// Field name → the template as written.
    public var templates: [String: String]
    /// Reads the declaration again with rendered values; not part of equality or of a plan file
    /// (a compiled catalog has no templated fields left).
    public let reader: (any DeclarationReader)?

    public init(templates: [String: String], reader: (any DeclarationReader)?) {
        self.templates = templates
        self.reader = reader
    }

    public static func == (lhs: TemplatedFields, rhs: TemplatedFields) -> Bool { lhs.templates == rhs.templates }
    public func hash(into hasher: inout Hasher) { hasher.combine(templates) }

    enum CodingKeys: String, CodingKey { case templates }
    public init(from decoder: any Decoder) throws {
        templates = try decoder.container(keyedBy: CodingKeys.self).decode([String: String].self, forKey: .templates)
        reader = nil
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(templates, forKey: .templates)
    }
}

/// The loader's side of `TemplatedFields`: the declaration as first read, read again with
/// some fields replaced by rendered values (text, or a list or map a bare `{{ var }}` named).
public protocol DeclarationReader: Sendable {
    /// The resource as it would have loaded had these values been written; the diagnostics say
    /// what is wrong with them, at the fields' own locations.
    func read(with rendered: [String: Value]) -> (resource: Resource?, diagnostics: [Diagnostic])
}
