import RampartBasics

/// A secret as Stencil sees it: an opaque marker that filters pass along untouched.
final class SecretMarker: CustomStringConvertible {
    let index: Int
    init(index: Int) { self.index = index }
    /// Control characters and digits only, so case filters and indentation cannot change it.
    var description: String { SecretTable.marker(index, escaping: .none) }
}

/// The secrets handed to one render, and the step that turns markers in the output back into
/// `SensitiveText` segments.
final class SecretTable {
    /// How a secret's clear text must be escaped where its marker landed.
    enum Escaping: Character { case none = "\u{3}", json = "\u{4}" }

    private(set) var secrets: [Secret] = []

    func marker(for secret: Secret) -> SecretMarker {
        if let index = secrets.firstIndex(of: secret) { return SecretMarker(index: index) }
        secrets.append(secret)
        return SecretMarker(index: secrets.count - 1)
    }

    static func marker(_ index: Int, escaping: Escaping) -> String { "\u{1}\(escaping.rawValue)\(index)\u{2}" }

    func restore(_ output: String, file: String) throws -> SensitiveText {
        guard output.contains("\u{1}") else { return SensitiveText(output) }
        var segments: [SensitiveText.Segment] = []
        var rest = Substring(output)
        while let start = rest.firstIndex(of: "\u{1}") {
            segments.append(.plain(String(rest[..<start])))
            let afterStart = rest.index(after: start)
            guard afterStart < rest.endIndex, let end = rest[afterStart...].firstIndex(of: "\u{2}"),
                  let escaping = Escaping(rawValue: rest[afterStart]),
                  let index = Int(rest[rest.index(after: afterStart)..<end]), index < secrets.count else {
                throw DiagnosticError(.error("a secret value went through a filter that cannot keep it intact",
                                             hint: "use secrets as they are, or with `default`, `indent` or `to_json` only",
                                             at: SourceLocation(file: file, line: 1, column: 1)))
            }
            switch escaping {
            case .none: segments.append(.secret(secrets[index]))
            case .json:
                segments.append(.secret(secrets[index].withRevealed { Secret(JSONString.escaped($0)) }))
            }
            rest = rest[rest.index(after: end)...]
        }
        segments.append(.plain(String(rest)))
        return SensitiveText(segments)
    }
}
