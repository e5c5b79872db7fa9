import Foundation
import RampartBasics

/// One host's concrete desired state: every template rendered, every reference checked,
/// resources in the order they must be applied.
public struct HostCatalog: Sendable, Hashable, Codable {
    public var host: String
    /// The playbook's name (its manifest on the host is named after it).
    public var playbook: String
    public var address: String
    /// The plays that include this host, in playbook order: what each brought, what it waits
    /// for, its roll. A host runs them one after another in one run.
    public var stages: [Stage]
    /// Resources in dependency order (declaration order unless `requires`/`subscribes` say otherwise).
    public var resources: [Resource]
    /// The host's `apt_proxy` variable: packages are fetched through it.
    public var aptProxy: String?
    /// Roles' assertions over facts, for the planner (those over variables held when compiled).
    public var assertions: [Assertion]
    /// The facts the catalog was compiled with, when a template, default or field read them
    /// (nil: it does not depend on facts). Gathered facts that differ mean compiling it again.
    public var templateFacts: TemplateFacts?
    /// The resources whose rendering read facts (all of a role whose defaults did).
    public var factDependent: [ResourceID] = []
    /// Packages whose installed versions templates read (`facts.packages['NAME']`), sorted: the
    /// facts exec asks for them as it does for the catalog's own packages.
    public var factPackages: [String] = []
    /// The `facts.` keys (`cpus`, `users`, …) templates, defaults, fields and loops read, sorted.
    public var factKeys: [String] = []
    /// The globs `facts.glob['GLOB']` reads, sorted: the facts exec lists what each matches.
    public var factGlobs: [String] = []
    /// Offline, before the login key's public half exists: the resources rendered with a
    /// placeholder for `ssh_public_key` (their content is known after apply).
    public var awaitingPublicKey: [ResourceID] = []

    public init(host: String, playbook: String = "default", address: String, stages: [Stage] = [], resources: [Resource] = [],
                aptProxy: String? = nil, assertions: [Assertion] = []) {
        self.host = host
        self.playbook = playbook
        self.address = address
        self.stages = stages
        self.resources = resources
        self.aptProxy = aptProxy
        self.assertions = assertions
    }

    public func resource(_ id: ResourceID) -> Resource? { resources.first { $0.id == id } }

    /// Every condition over facts the planner will decide: resources' `when:` and assertions —
    /// what the facts exec must gather.
    public var factConditions: [Condition] { resources.compactMap(\.when) + assertions.map(\.that) }

    /// The plays that include this host, in playbook order.
    public var plays: [String] { stages.map(\.play) }
    /// Other hosts this one waits for in some play (from the plays' `after:`), first wait first.
    public var waitsFor: [String] {
        var hosts: [String] = []
        for wait in stages.flatMap(\.waitsFor) where !hosts.contains(wait.host) { hosts.append(wait.host) }
        return hosts
    }
}

/// One play's part of a host's run. Its steps start once every other host's play it waits for
/// is done there (`after:`), and, in a rolling play, once the host has its place in the roll;
/// the host's earlier plays do not wait for that.
public struct Stage: Sendable, Hashable, Codable {
    public var play: String
    /// The resources this play brought to the host (a role named by several plays belongs to the first).
    public var resources: [ResourceID]
    /// Other hosts' plays that must be done before this play's first step here.
    public var waitsFor: [StageRef]
    /// Set when the play is rolling: the roll's size and hooks, rendered for this host.
    public var rolling: Rolling?

    public init(play: String, resources: [ResourceID] = [], waitsFor: [StageRef] = [], rolling: Rolling? = nil) {
        self.play = play
        self.resources = resources
        self.waitsFor = waitsFor
        self.rolling = rolling
    }
}

/// A play on one host: what a stage of another host waits for.
public struct StageRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var play: String

    public init(host: String, play: String) {
        self.host = host
        self.play = play
    }

    public var description: String { "\(host)'s play '\(play)'" }
}

/// A host's part in a rolling play.
public struct Rolling: Sendable, Hashable, Codable {
    /// The play's name: hosts of one roll go `serial` at a time, in inventory order (a host
    /// that failed before reaching the play leaves the roll; one failing in it stops the roll).
    public var play: String
    public var serial: Int
    public var before: RollingHook?
    public var after: RollingHook?

    public init(play: String, serial: Int, before: RollingHook?, after: RollingHook?) {
        self.play = play
        self.serial = serial
        self.before = before
        self.after = after
    }
}

/// Every selected host's catalog: what the planner compares with each host's facts.
public struct Catalog: Sendable, Hashable, Codable {
    public var hosts: [HostCatalog]
    /// What compiling found worth saying that is no error (each once, with the hosts it concerns).
    public var warnings: [Diagnostic] = []

    public init(hosts: [HostCatalog], warnings: [Diagnostic] = []) {
        self.hosts = hosts
        self.warnings = warnings
    }

    public subscript(host: String) -> HostCatalog? { hosts.first { $0.host == host } }
}

extension Catalog {
    /// The catalog as canonical JSON, pretty-printed: two catalogs that compile alike (a site in
    /// Swift and the same in YAML) give the same bytes.
    public func canonicalJSON() throws -> Data { try CanonicalJSON.encode(self, pretty: true) }
}
