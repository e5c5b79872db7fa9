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
        var problems: [Diagnostic] = []
        var playbook: Playbook?
        var templates: TemplateLibrary?
        // The inventory on another thread: its vault's key derivation (scrypt, ~0.1 s of one
        // core by design) overlaps the playbook's and the templates' loading.
        let loadedInventory = Locked<Result<Inventory, Error>?>(nil)
        let inventoryLoaded = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            let result = Result { try InventoryLoader(vault: vault, environment: environment).load(path: inventoryPath) }
            loadedInventory.withLock { $0 = result }
            inventoryLoaded.signal()
        }
        do { playbook = try PlaybookLoader(environment: environment).load(path: playbookPath) } catch let error as DiagnosticError { problems += error.diagnostics }
        do { templates = try TemplateLibrary.load(directory: templatesDirectory(forPlaybook: playbookPath)) }
        catch let error as DiagnosticError { problems += error.diagnostics }
        inventoryLoaded.wait()
        var inventory: Inventory?
        switch loadedInventory.current {
        case .success(let loaded)?: inventory = loaded
        case .failure(let error as DiagnosticError)?: problems = error.diagnostics + problems
        case .failure(let error)?: throw error
        case nil: break
        }
        guard let inventory, let playbook, let templates, problems.allSatisfy({ $0.severity != .error }) else {
            throw DiagnosticError(problems)
        }
        return Project(inventory: inventory, playbook: playbook, templates: templates)
    }

    /// Each selected host's desired resources; throws `DiagnosticError` with every problem.
    public func compile(limit: String? = nil) throws -> Catalog {
        try CatalogCompiler(inventory: inventory, playbook: playbook, templates: templates)
            .compile(selection: limit.map { HostSelection($0) })
    }
}

