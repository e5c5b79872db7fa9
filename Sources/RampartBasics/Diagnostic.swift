/// One problem reported to the user: what went wrong, where (a file location or a host and step), and how to fix it.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bad a diagnostic is; errors stop the command, warnings do not.
    public enum Severity: String, Sendable, Codable { case error, warning, note }

    public var severity: Severity
    public var message: String
    public var hint: String?
    public var location: SourceLocation?
    public var host: String?
    public var step: String?

    public init(_ severity: Severity, _ message: String, hint: String? = nil,
                at location: SourceLocation? = nil, host: String? = nil, step: String? = nil) {
        self.severity = severity
        self.message = message
        self.hint = hint
        self.location = location
        self.host = host
        self.step = step
    }

    public static func error(_ message: String, hint: String? = nil, at location: SourceLocation? = nil,
                             host: String? = nil, step: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, hint: hint, at: location, host: host, step: step)
    }

    public static func warning(_ message: String, hint: String? = nil, at location: SourceLocation? = nil,
                               host: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, hint: hint, at: location, host: host)
    }

    /// `file:line:col: error: message` then an indented `hint:` line — the shape editors can jump to.
    public var description: String {
        var prefix = ""
        if let location { prefix += "\(location): " }
        if let host { prefix += "\(host)" + (step.map { " [\($0)]" } ?? "") + ": " }
        var text = "\(prefix)\(severity.rawValue): \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

/// An error carrying one or more diagnostics; thrown when a command cannot go on.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Array where Element == Diagnostic {
    /// Ordered by file, line and column (stable), the order an editor lists them in.
    public var sortedByLocation: [Diagnostic] {
        enumerated().sorted { a, b in
            let la = a.element.location, lb = b.element.location
            if let la, let lb, la != lb {
                if la.file != lb.file { return la.file < lb.file }
                if la.line != lb.line { return la.line < lb.line }
                return la.column < lb.column
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}
