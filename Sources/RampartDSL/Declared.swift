import Foundation
import RampartBasics
import RampartLoading
import RampartModel

/// Where a declaration was written in Swift: captured by every initializer's defaulted
/// `#filePath`/`#line`/`#column`, shown relative to the current folder as compilers do.
public struct SwiftLocation: Sendable {
    public let location: SourceLocation
    /// The file as the compiler named it (absolute), for editing it.
    public let path: String

    public init(file: String, line: Int, column: Int) {
        path = file
        location = SourceLocation(file: Self.shown(file), line: line, column: column)
    }

    /// A file's path as messages show it: relative to the current folder when inside it.
    public static func shown(_ file: String) -> String {
        let folder = FileManager.default.currentDirectoryPath + "/"
        return file.hasPrefix(folder) ? String(file.dropFirst(folder.count)) : file
    }
}

/// A resource's identity for `requires:` and `subscribes:` — taken from the resource's own
/// value, so a reference to a resource that was never declared does not compile.
public struct ResourceRef: Sendable, Hashable {
    public let kind: String
    public let name: String

    /// The YAML spelling, `kind:name`.
    public var reference: String { "\(kind):\(name)" }

    /// A resource declared in another site's YAML role, or by name on purpose: checked when loaded.
    public static func named(_ kind: String, _ name: String) -> ResourceRef { ResourceRef(kind: kind, name: name) }
}

/// One resource as a role declares it: the kind's fields as the loader reads them, plus what
/// every kind takes (`requires`, `subscribes`, `loop`, `when`).
public struct DeclaredResource: Sendable {
    public let kind: String
    public let name: String
    var fields: [(key: String, value: Declaration)]
    var requires: [ResourceRef] = []
    var subscribes: [ResourceRef] = []
    var loop: Declaration?
    var when: String?
    let at: SwiftLocation

    init(_ kind: String, _ name: String, _ fields: DeclaredFields, _ at: SwiftLocation) {
        self.kind = kind
        self.name = name
        self.fields = fields.entries
        self.at = at
    }

    var declaration: Declaration {
        var entries: [(key: String, value: Declaration)] = [(kind, .value(.string(name), at: at.location))]
        entries += fields
        if !requires.isEmpty { entries.append(("requires", .value(.list(requires.map { .string($0.reference) }), at: at.location))) }
        if !subscribes.isEmpty { entries.append(("subscribes", .value(.list(subscribes.map { .string($0.reference) }), at: at.location))) }
        if let loop { entries.append(("loop", loop)) }
        if let when { entries.append(("when", .value(.string(when), at: at.location))) }
        return .map(entries, at: at.location)
    }
}

/// A kind's fields in the order written; `nil` leaves a field out (the loader's default).
struct DeclaredFields {
    private(set) var entries: [(key: String, value: Declaration)] = []
    let at: SwiftLocation

    init(_ at: SwiftLocation) { self.at = at }

    /// Write-only: `fields["mode"] = mode.map { … }` adds the field, or nothing for nil (the
    /// getter exists because Swift asks for one; it reads nothing).
    subscript(key: String) -> Value? {
        get { nil }
        set { if let newValue { entries.append((key, .value(newValue, at: at.location))) } }
    }
}

/// Anything a role's resource block holds: each kind's type in `Resources/`.
public protocol ResourceDeclaration: Sendable {
    var declared: DeclaredResource { get set }
}

extension ResourceDeclaration {
    /// This resource's handle, for another resource's `requires`/`subscribes`.
    public var ref: ResourceRef { ResourceRef(kind: declared.kind, name: declared.name) }

    /// Applied after these resources.
    public func requires(_ resources: any ResourceDeclaration...) -> Self {
        var copy = self
        copy.declared.requires += resources.map(\.ref)
        return copy
    }

    /// Applied after these (resources of other roles, by handle or `.named`).
    public func requires(_ refs: ResourceRef...) -> Self {
        var copy = self
        copy.declared.requires += refs
        return copy
    }

    /// Reloaded, restarted or run again when one of these changes.
    public func subscribes(_ resources: any ResourceDeclaration...) -> Self {
        var copy = self
        copy.declared.subscribes += resources.map(\.ref)
        return copy
    }

    public func subscribes(_ refs: ResourceRef...) -> Self {
        var copy = self
        copy.declared.subscribes += refs
        return copy
    }

    /// One copy per member of the group, each seeing the member's name as `{{ item }}`.
    public func loop(over group: Group) -> Self {
        var copy = self
        copy.declared.loop = .value(.string("{{ groups.\(group.name) }}"), at: declared.at.location)
        return copy
    }

    /// One copy per item of a list a template names (`"{{ facts.users }}"`, a role default).
    public func loop(_ template: String) -> Self {
        var copy = self
        copy.declared.loop = .value(.string(template), at: declared.at.location)
        return copy
    }

    /// One copy per item written here.
    public func loop(items: [Value]) -> Self {
        var copy = self
        copy.declared.loop = .value(.list(items), at: declared.at.location)
        return copy
    }

    /// Declared only where the condition holds (the YAML `when:` language, checked when loaded).
    public func when(_ condition: String) -> Self {
        var copy = self
        copy.declared.when = condition
        return copy
    }
}

/// A resource block: `if`, `for` and optional resources allowed.
@resultBuilder
public enum ResourceBuilder {
    public static func buildExpression(_ resource: some ResourceDeclaration) -> [DeclaredResource] { [resource.declared] }
    public static func buildExpression(_ resources: [any ResourceDeclaration]) -> [DeclaredResource] { resources.map(\.declared) }
    public static func buildBlock(_ parts: [DeclaredResource]...) -> [DeclaredResource] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [DeclaredResource]?) -> [DeclaredResource] { part ?? [] }
    public static func buildEither(first: [DeclaredResource]) -> [DeclaredResource] { first }
    public static func buildEither(second: [DeclaredResource]) -> [DeclaredResource] { second }
    public static func buildArray(_ parts: [[DeclaredResource]]) -> [DeclaredResource] { parts.flatMap { $0 } }
}

/// A TCP or UDP port: a literal above 65535 or below 0 does not compile
/// (`integer literal '70000' overflows when stored into 'UInt16'`).
public struct Port: Sendable, Hashable, ExpressibleByIntegerLiteral {
    public let number: UInt16
    public init(integerLiteral value: UInt16) { number = value }
    public init(_ number: UInt16) { self.number = number }
}

/// A file mode as `chmod` takes it: octal text (`"0640"`) or symbolic (`"go-rwx"`), checked when loaded.
public struct FileMode: Sendable, Hashable, ExpressibleByStringLiteral {
    public let text: String
    public init(stringLiteral value: String) { text = value }
    public init(_ text: String) { self.text = text }
}

extension Value {
    static func strings(_ items: [String]) -> Value { .list(items.map(Value.string)) }
}
