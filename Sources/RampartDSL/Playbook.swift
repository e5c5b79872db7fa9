import RampartBasics
import RampartLoading
import RampartModel

/// A role: resources with parameters (defaults and required ones), as a YAML role file.
/// The value is its handle: plays and `depends` take it.
public struct Role: Sendable, RoleUsable {
    public let name: String
    let summary: String?
    let defaults: [String: Value]
    let required: [String]
    let depends: [Role]
    let assertions: [Assertion]
    let resources: [DeclaredResource]
    let at: SwiftLocation

    public init(_ name: String, summary: String? = nil, defaults: [String: Value] = [:], required: [String] = [],
                depends: [Role] = [], assert assertions: [Assertion] = [],
                file: String = #filePath, line: Int = #line, column: Int = #column,
                @ResourceBuilder resources: () -> [DeclaredResource]) {
        self.name = name
        self.summary = summary
        self.defaults = defaults
        self.required = required
        self.depends = depends
        self.assertions = assertions
        self.resources = resources()
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    /// This role in a play with parameters (and a condition on the host).
    public func with(_ parameters: [String: Value], when: String? = nil,
                     file: String = #filePath, line: Int = #line, column: Int = #column) -> RoleUse {
        RoleUse(role: self, parameters: parameters, when: when, at: SwiftLocation(file: file, line: line, column: column))
    }

    public var use: RoleUse { RoleUse(role: self, parameters: [:], when: nil, at: at) }

    var declaration: Declaration {
        var entries: [(key: String, value: Declaration)] = []
        if let summary { entries.append(("summary", .value(.string(summary), at: at.location))) }
        if !defaults.isEmpty { entries.append(("defaults", .value(.map(defaults), at: at.location))) }
        if !required.isEmpty { entries.append(("required", .value(.strings(required), at: at.location))) }
        if !depends.isEmpty { entries.append(("depends", .value(.strings(depends.map(\.name)), at: at.location))) }
        if !assertions.isEmpty { entries.append(("assert", .list(assertions.map(\.declaration), at: at.location))) }
        entries.append(("resources", .list(resources.map(\.declaration), at: at.location)))
        return .map(entries, at: at.location)
    }
}

/// A check on the host before a role's resources are planned (`assert:` in YAML).
public struct Assertion: Sendable {
    let that: [String]
    let message: String?
    let at: SwiftLocation

    public init(_ that: String..., message: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.that = that
        self.message = message
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    var declaration: Declaration {
        var entries: [(key: String, value: Declaration)] = [
            ("that", .value(that.count == 1 ? .string(that[0]) : .strings(that), at: at.location))]
        if let message { entries.append(("message", .value(.string(message), at: at.location))) }
        return .map(entries, at: at.location)
    }
}

/// A role as a play uses it: the role itself, or `role.with([...])`.
public protocol RoleUsable: Sendable {
    var use: RoleUse { get }
}

public struct RoleUse: Sendable, RoleUsable {
    let role: Role
    let parameters: [String: Value]
    let when: String?
    let at: SwiftLocation

    public var use: RoleUse { self }

    var declaration: Declaration {
        if parameters.isEmpty && when == nil { return .value(.string(role.name), at: at.location) }
        var entries: [(key: String, value: Declaration)] = parameters.sorted { $0.key < $1.key }.map { ($0.key, .value($0.value, at: at.location)) }
        if let when { entries.append(("when", .value(.string(when), at: at.location))) }
        return .map([(role.name, .map(entries, at: at.location))], at: at.location)
    }
}

/// A command on another host around each host of a rolled play (`before_each`/`after_each`).
public struct RollingHook: Sendable {
    let on: HostTarget
    let run: String

    public init(on: HostTarget, run: String) {
        self.on = on
        self.run = run
    }
}

/// Roles applied to hosts. The value is its handle: `after:` takes other plays.
public struct Play: Sendable {
    public let name: String
    let hosts: String
    let roles: [RoleUse]
    let serial: Int?
    let after: [String]
    let beforeEach: RollingHook?
    let afterEach: RollingHook?
    let when: String?
    let at: SwiftLocation

    public init(_ name: String, hosts: some PlayHosts, roles: [any RoleUsable], serial: Int? = nil, after: [Play] = [],
                beforeEach: RollingHook? = nil, afterEach: RollingHook? = nil, when: String? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.name = name
        self.hosts = hosts.pattern
        self.roles = roles.map(\.use)
        self.serial = serial
        self.after = after.map(\.name)
        self.beforeEach = beforeEach
        self.afterEach = afterEach
        self.when = when
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    var declaration: Declaration {
        let here = at.location
        var entries: [(key: String, value: Declaration)] = [("name", .value(.string(name), at: here)),
                                                            ("hosts", .value(.string(hosts), at: here)),
                                                            ("roles", .list(roles.map(\.declaration), at: here))]
        if let serial { entries.append(("serial", .value(.int(serial), at: here))) }
        if let beforeEach { entries.append(("before_each", .value(["on": .string(beforeEach.on.template), "run": .string(beforeEach.run)], at: here))) }
        if let afterEach { entries.append(("after_each", .value(["on": .string(afterEach.on.template), "run": .string(afterEach.run)], at: here))) }
        if !after.isEmpty { entries.append(("after", .value(.strings(after), at: here))) }
        if let when { entries.append(("when", .value(.string(when), at: here))) }
        return .map(entries, at: here)
    }
}

/// The plays of a site, in order.
@resultBuilder
public enum PlayBuilder {
    public static func buildExpression(_ play: Play) -> [Play] { [play] }
    public static func buildBlock(_ parts: [Play]...) -> [Play] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Play]?) -> [Play] { part ?? [] }
    public static func buildEither(first: [Play]) -> [Play] { first }
    public static func buildEither(second: [Play]) -> [Play] { second }
    public static func buildArray(_ parts: [[Play]]) -> [Play] { parts.flatMap { $0 } }
}
