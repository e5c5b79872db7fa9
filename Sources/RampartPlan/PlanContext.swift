import RampartBasics
import RampartFacts
import RampartModel
import RampartRemote

/// What planning one host knows: its catalog, its facts, and what earlier steps of this plan
/// will bring about (a package install creates its service unit and ships its files).
public struct PlanContext {
    public let catalog: HostCatalog
    public let facts: HostFacts
    /// Packages this plan installs, in order.
    var installing: [String] = []
    /// Issued certificate material for the host's certificate resources (from the control node's CA).
    var certificates: [ResourceID: CertificateMaterial] = [:]
    /// Problems found while planning (an unsupported kind, a path that is not a file …).
    var diagnostics: [Diagnostic] = []
    /// Clear bytes of sensitive payloads by key (`Payload.sensitive`'s `path`): kept in memory
    /// for the applier, never in the plan.
    var secretPayloads: [String: [UInt8]] = [:]
    /// Text of each file as this plan's edits (line, block) leave it so far: the next edit of
    /// the same file starts from it.
    var editedText: [String: String] = [:]
    /// Files whose edits are made at apply time (the file is not there yet when planning).
    var deferredEdits: Set<String> = []

    /// The payload carrying `text`: in the plan as text, or — when it holds a secret — only as
    /// its hash, the clear bytes kept here under `key` for the applier.
    mutating func payload(_ text: SensitiveText, key: String) -> Payload {
        guard text.isSensitive else { return .text(text.revealed()) }
        let bytes = Array(text.revealed().utf8)
        secretPayloads[key] = bytes
        return .sensitive(sha256: sha256Hex(bytes), path: key)
    }

    init(catalog: HostCatalog, facts: HostFacts) {
        self.catalog = catalog
        self.facts = facts
    }

    /// The package of this plan that will create `unit`, if any.
    func unitComesFrom(_ unit: String) -> String? {
        installing.first { PackageKnowledge.effects[$0]?.units[unit] != nil }
    }

    /// The package of this plan that will ship `path`, if any.
    func fileComesFrom(_ path: String) -> String? {
        installing.first { PackageKnowledge.effects[$0]?.files.contains(path) == true }
    }

    func userComesFrom(_ name: String) -> String? {
        installing.first { PackageKnowledge.effects[$0]?.users.contains(name) == true }
    }

    mutating func error(_ message: String, hint: String? = nil, resource: ResourceID) {
        diagnostics.append(.error(message, hint: hint, host: catalog.host, step: resource.description))
    }
}

/// A certificate as the planner needs it: PEM texts, the key kept secret.
public struct CertificateMaterial: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKey: Secret
    public var caPEM: String

    public init(certificatePEM: String, privateKey: Secret, caPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKey = privateKey
        self.caPEM = caPEM
    }

    /// The files a certificate resource puts on its host: path, content, mode.
    public func files(for c: CertificateResource) -> [(path: String, content: SensitiveText, mode: String)] {
        var files: [(String, SensitiveText, String)] = [(c.certificatePath, SensitiveText(certificatePEM), "0644"),
                                                       (c.keyPath, SensitiveText(secret: privateKey), "0600")]
        if let ca = c.caPath { files.append((ca, SensitiveText(caPEM), "0644")) }
        if let bundle = c.bundlePath { files.append((bundle, SensitiveText(certificatePEM) + SensitiveText(secret: privateKey), "0600")) }
        return files
    }
}

/// Building step scripts.
enum Script {
    static func q(_ word: String) -> String { ShellQuoting.quote(word) }

    /// `converged` is a shell condition true when nothing needs doing (exit 100 = unchanged).
    static func make(converged: String?, change: String, prelude: String? = nil) -> StepScript {
        StepScript(prelude: prelude, converged: converged, change: change)
    }

    /// Forgets one journalled handler once it has run.
    static func unjournal(_ id: ResourceID, _ action: String) -> String {
        let line = q("\(id) \(action)")
        return "if [ -f \(HostPaths.journal) ]; then grep -vxF \(line) \(HostPaths.journal) > \(HostPaths.journal).tmp || true; mv -f \(HostPaths.journal).tmp \(HostPaths.journal); fi"
    }
}
