import Foundation
import RampartBasics
import RampartModel

/// One part of the batched probe: a POSIX-sh snippet and the parser of its output.
public struct ProbeSection: Sendable {
    public var name: String
    public var script: String
    public var parse: @Sendable (_ output: String, _ facts: inout HostFacts) -> Void

    public init(name: String, script: String, parse: @escaping @Sendable (String, inout HostFacts) -> Void) {
        self.name = name
        self.script = script
        self.parse = parse
    }
}

/// A resource kind's facts: which probe it needs for a host's catalog (nil when it has nothing to ask).
public protocol FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection?
}
