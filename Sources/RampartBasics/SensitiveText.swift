/// Text that may contain secret values, such as a rendered config file holding a password.
///
/// The clear text exists only as `revealed()` for the one place that writes it to a host;
/// every other form (`description`, `redacted`, `Codable`) shows `(sensitive)` where a secret was.
public struct SensitiveText: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// A run of plain text or one secret value.
    public enum Segment: Sendable, Hashable {
        case plain(String)
        case secret(Secret)
    }

    public private(set) var segments: [Segment]

    public init(_ segments: [Segment]) {
        // Adjacent plain runs are merged so equal texts compare equal however they were built.
        var merged: [Segment] = []
        for segment in segments {
            if case .plain(let text) = segment, text.isEmpty { continue }
            if case .plain(let text) = segment, case .plain(let previous)? = merged.last {
                merged[merged.count - 1] = .plain(previous + text)
            } else {
                merged.append(segment)
            }
        }
        self.segments = merged
    }

    public init(_ plain: String) { self.init([.plain(plain)]) }
    public init(stringLiteral value: String) { self.init(value) }
    public init(secret: Secret) { self.init([.secret(secret)]) }

    /// True when any part of the text is secret.
    public var isSensitive: Bool { segments.contains { if case .secret = $0 { return true } else { return false } } }

    /// The text with `(sensitive)` in place of each secret: what output, diffs and plan files show.
    public var redacted: String {
        segments.map { segment in
            switch segment {
            case .plain(let text): return text
            case .secret: return Secret.placeholder
            }
        }.joined()
    }

    /// The text when it holds no secret, nil otherwise.
    public var plainText: String? { isSensitive ? nil : redacted }

    /// The clear text. Only for the bytes sent to a host's stdin or compared with a host's file.
    public func revealed() -> String {
        segments.map { segment in
            switch segment {
            case .plain(let text): return text
            case .secret(let secret): return secret.withRevealed { $0 }
            }
        }.joined()
    }

    public var description: String { redacted }

    public static func + (lhs: SensitiveText, rhs: SensitiveText) -> SensitiveText {
        SensitiveText(lhs.segments + rhs.segments)
    }

    // Encoding writes only the redacted form, so a plan file or JSON never holds a secret.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(redacted)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(try container.decode(String.self))
    }
}
