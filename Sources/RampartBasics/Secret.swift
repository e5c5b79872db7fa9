/// A value that must never reach output, logs, plan files, JSON or a remote process's arguments.
///
/// Every textual form prints `(sensitive)`; the value itself is only reachable through
/// `withRevealed`, so each place that needs the clear text is easy to find and review.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, Codable {
    private let value: String

    public init(_ value: String) { self.value = value }

    public static let placeholder = "(sensitive)"

    public var description: String { Secret.placeholder }
    public var debugDescription: String { Secret.placeholder }

    /// Hands the clear text to `body`; callers must not let it escape into strings that are printed.
    public func withRevealed<T>(_ body: (String) throws -> T) rethrows -> T { try body(value) }

    // Encoding a secret writes only the placeholder: a plan file or JSON never holds the value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Secret.placeholder)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.value = try container.decode(String.self)
    }
}
