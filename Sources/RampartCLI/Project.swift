import Foundation
import RampartBasics
import RampartCatalog
import RampartLoading
import RampartModel
import RampartTemplates

/// The user's files loaded together: inventory, playbook with its roles, templates.
/// Templates live in `templates/` beside the playbook's folder (`playbooks/site.yml` →
/// `templates/`), so a project is the folder holding `inventories/`, `playbooks/`, `templates/`.
struct Project {
    var inventory: Inventory
    var playbook: Playbook
    var templates: TemplateLibrary

    static func templatesDirectory(forPlaybook path: String) -> String {
        let playbooks = (path as NSString).deletingLastPathComponent
        let root = (playbooks.isEmpty ? "." : playbooks as NSString).deletingLastPathComponent
        return (root.isEmpty ? "." : root) + "/templates"
    }

    /// Loads everything, reporting the problems of every file at once.
    static func load(inventory inventoryPath: String, playbook playbookPath: String) throws -> Project {
        var problems: [Diagnostic] = []
        var inventory: Inventory?
        var playbook: Playbook?
        var templates: TemplateLibrary?
        do { inventory = try Diagnostics.loadInventory(path: inventoryPath) } catch let error as DiagnosticError { problems += error.diagnostics }
        do { playbook = try PlaybookLoader().load(path: playbookPath) } catch let error as DiagnosticError { problems += error.diagnostics }
        do { templates = try TemplateLibrary.load(directory: templatesDirectory(forPlaybook: playbookPath)) }
        catch let error as DiagnosticError { problems += error.diagnostics }
        guard let inventory, let playbook, let templates, problems.allSatisfy({ $0.severity != .error }) else {
            throw DiagnosticError(problems)
        }
        return Project(inventory: inventory, playbook: playbook, templates: templates)
    }

    func compile(limit: String? = nil) throws -> Catalog {
        try CatalogCompiler(inventory: inventory, playbook: playbook, templates: templates)
            .compile(selection: limit.map { HostSelection($0) })
    }
}

extension Terminal {
    /// Asks for a secret on the terminal with echo off; nil when there is no terminal.
    func promptSecret(_ prompt: String) -> Secret? {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        var saved = termios()
        tcgetattr(tty, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = "\n".withCString { Glibc.write(tty, $0, 1) }
        }
        _ = prompt.withCString { Glibc.write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != 10, byte != 13 { bytes.append(byte) }
        return Secret(String(decoding: bytes, as: UTF8.self))
    }
}
