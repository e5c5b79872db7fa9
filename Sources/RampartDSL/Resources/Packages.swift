import RampartModel

/// `package:` — a Debian package by apt.
public struct Package: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias State = PackageResource.State

    public init(_ name: String, state: State? = nil, version: String? = nil, installRecommends: Bool? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["state"] = state.map { .string($0.rawValue) }
        fields["version"] = version.map(Value.string)
        fields["install_recommends"] = installRecommends.map(Value.bool)
        declared = DeclaredResource("package", name, fields, at)
    }
}
