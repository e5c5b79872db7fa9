import RampartBasics

/// A failure to reach, authenticate to, or talk with a host — always naming the host and what to do.
public struct RemoteError: Error, Sendable, CustomStringConvertible {
    /// The kinds of transport failure a user can act on differently.
    public enum Kind: String, Sendable, Codable {
        case unresolvable, refused, unreachable, connectTimeout, handshakeFailed
        case hostKeyUnknown, hostKeyChanged, hostKeyFileUnreadable
        case authenticationFailed, unsupportedKey, privilegeEscalationFailed
        case commandTimeout, connectionLost, protocolError, closed
    }

    public var kind: Kind
    public var host: String
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, host: String, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.host = host
        self.message = message
        self.hint = hint
    }

    public var diagnostic: Diagnostic { .error(message, hint: hint, host: host) }
    public var description: String { diagnostic.description }
}
