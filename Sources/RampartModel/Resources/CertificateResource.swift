/// A TLS key and certificate on the host, issued by the internal CA or by ACME.
public struct CertificateResource: ResourceDescription {
    public static let kind = ResourceKind.certificate
    public enum Issuer: String, Sendable, Hashable, Codable, CaseIterable { case `internal`, acme }

    /// A label for the certificate on this host, e.g. `www`.
    public var name: String
    public var commonName: String
    public var subjectAltNames: [String]
    public var issuer: Issuer
    public var certificatePath: String
    public var keyPath: String
    /// Where to also put the CA certificate (for verifying peers), if anywhere.
    public var caPath: String?
    /// Where to put certificate + key in one file (HAProxy's `crt`), mode 0600, if anywhere.
    public var bundlePath: String?
    public var owner: String?
    public var group: String?
    public var validDays: Int
    /// Renew when fewer days than this remain.
    public var renewBefore: Int

    public init(_ name: String, commonName: String, subjectAltNames: [String] = [], issuer: Issuer = .internal,
                certificatePath: String, keyPath: String, caPath: String? = nil, bundlePath: String? = nil,
                owner: String? = nil, group: String? = nil, validDays: Int = 365, renewBefore: Int = 30) {
        self.caPath = caPath
        self.bundlePath = bundlePath
        self.name = name
        self.commonName = commonName
        self.subjectAltNames = subjectAltNames
        self.issuer = issuer
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.owner = owner
        self.group = group
        self.validDays = validDays
        self.renewBefore = renewBefore
    }
}
