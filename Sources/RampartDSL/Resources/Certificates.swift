import RampartModel

/// `certificate:` — a TLS certificate for the host from the internal CA (its key made on the
/// host, never copied), renewed before it expires.
public struct Certificate: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias Issuer = CertificateResource.Issuer

    public init(_ name: String, commonName: String, altNames: [String]? = nil, issuer: Issuer? = nil, cert: String, key: String,
                ca: String? = nil, bundle: String? = nil, owner: String? = nil, group: String? = nil,
                validDays: Int? = nil, renewBefore: Int? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["common_name"] = .string(commonName)
        fields["alt_names"] = altNames.map(Value.strings)
        fields["issuer"] = issuer.map { .string($0.rawValue) }
        fields["cert"] = .string(cert)
        fields["key"] = .string(key)
        fields["ca"] = ca.map(Value.string)
        fields["bundle"] = bundle.map(Value.string)
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        fields["valid_days"] = validDays.map(Value.int)
        fields["renew_before"] = renewBefore.map(Value.int)
        declared = DeclaredResource("certificate", name, fields, at)
    }
}
