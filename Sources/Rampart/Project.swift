import Foundation
import RampartBasics
import RampartCatalog
import RampartLoading
import RampartModel
import RampartTemplates

/// The user's files loaded together: inventory, playbook with its roles, templates.
/// Templates live in `templates/` beside the playbook's folder (`playbooks/site.yml` →
/// `templates/`), so a project is the folder holding `inventories/`, `playbooks/`, `templates/`.
public struct Project: Sendable {
    public var inventory: Inventory
    public var playbook: Playbook
    public var templates: TemplateLibrary

    public init(inventory: Inventory, playbook: Playbook, templates: TemplateLibrary) {
        self.inventory = inventory
        self.playbook = playbook
        self.templates = templates
    }

    public static func templatesDirectory(forPlaybook path: String) -> String {
        let playbooks = (path as NSString).deletingLastPathComponent
        let root = (playbooks.isEmpty ? "." : playbooks as NSString).deletingLastPathComponent
        return root.isEmpty ? "templates" : root + "/templates"
    }

    /// Loads everything, reporting the problems of every file at once.
    public static func load(inventory inventoryPath: String, playbook playbookPath: String, vault: VaultPassword? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Project {
        try assemble(playbookPath: playbookPath,
                     inventory: { try InventoryLoader(vault: vault, environment: environment).load(path: inventoryPath) },
                     playbook: { try PlaybookLoader(environment: environment).load(path: playbookPath) })
    }

    /// A project declared in Swift (`RampartDSL`'s `Site`): the same loaders read it, as if its
    /// inventory and playbook were the files at these paths (templates beside the playbook's folder).
    public static func load(inventory: Declaration, inventoryPath: String, playbook: Declaration, playbookPath: String,
                            vault: VaultPassword? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Project {
        try assemble(playbookPath: playbookPath,
                     inventory: { try InventoryLoader(vault: vault, environment: environment).load(declaration: inventory, path: inventoryPath) },
                     playbook: { try PlaybookLoader(environment: environment).load(declaration: playbook, path: playbookPath) })
    }

    /// The inventory, the playbook and the templates beside it, every part's problems reported together.
    private static func assemble(playbookPath: String, inventory loadInventory: () throws -> Inventory,
                                 playbook loadPlaybook: () throws -> Playbook) throws -> Project {
        var problems: [Diagnostic] = []
        var inventory: Inventory?
        var playbook: Playbook?
        var templates: TemplateLibrary?
        do { inventory = try loadInventory() } catch let error as DiagnosticError { problems += error.diagnostics }
        do { playbook = try loadPlaybook() } catch let error as DiagnosticError { problems += error.diagnostics }
        do { templates = try TemplateLibrary.load(directory: templatesDirectory(forPlaybook: playbookPath)) }
        catch let error as DiagnosticError { problems += error.diagnostics }
        guard let inventory, let playbook, let templates, problems.allSatisfy({ $0.severity != .error }) else {
            throw DiagnosticError(problems)
        }
        return Project(inventory: inventory, playbook: playbook, templates: templates)
    }

    /// Each selected host's desired resources; throws `DiagnosticError` with every problem.
    /// Templates see each host's `facts` as given (the baseline for a host not given).
    /// `offline`: for review before the servers (and the lab's key) exist — see
    /// `CatalogCompiler.publicKeyMayBeMissing`.
    public func compile(limit: String? = nil, facts: [String: TemplateFacts] = [:], offline: Bool = false) throws -> Catalog {
        var compiler = CatalogCompiler(inventory: inventory, playbook: playbook, templates: templates)
        compiler.publicKeyMayBeMissing = offline
        return try compiler.compile(selection: limit.map { HostSelection($0) }, facts: facts)
    }

    /// One host's catalog compiled with these facts (what the engine asks for when the host's
    /// gathered facts differ from those its catalog was compiled with).
    public func compile(host: String, facts: TemplateFacts, offline: Bool = false) throws -> HostCatalog {
        var compiler = CatalogCompiler(inventory: inventory, playbook: playbook, templates: templates)
        compiler.publicKeyMayBeMissing = offline
        let catalog = try compiler.compile(selection: HostSelection(host), facts: [host: facts])
        guard let compiled = catalog[host] else {
            throw DiagnosticError(.error("host \(host) has no catalog", host: host))
        }
        return compiled
    }
}

