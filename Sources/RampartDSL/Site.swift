import Foundation
import Rampart
import RampartBasics
import RampartLoading
import RampartModel

/// A whole site written in Swift: the inventory and the plays (their roles come with them).
/// Hand it to `RampartCommandLine.run(site:)` in an executable's `main.swift`, and that
/// executable is `rampart` with this site built in: every command, flag and exit code, with
/// `-i` and the playbook argument left out.
public struct Site: Sendable {
    /// The playbook's name (`site` for the reference deployment).
    public let name: String
    public let inventory: Inventory
    public let plays: [Play]
    /// The project folder: `templates/` and the inventory's `folder` are in it.
    public let root: String
    let at: SwiftLocation

    /// `root` left out: the environment's `RAMPART_SITE_ROOT`, else the nearest folder above
    /// the file declaring the site that holds a `Package.swift` — the site's own package, found
    /// as SwiftPM's tests find their fixtures.
    public init(_ name: String, inventory: Inventory, root: String? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column,
                @PlayBuilder plays: () -> [Play]) {
        self.name = name
        self.inventory = inventory
        self.plays = plays()
        let folder = root ?? ProcessInfo.processInfo.environment[Self.rootVariable] ?? Self.packageRoot(of: file)
        self.root = folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
        self.at = SwiftLocation(file: file, line: line, column: column)
    }

    init(copying site: Site, inventory: Inventory) {
        name = site.name
        self.inventory = inventory
        plays = site.plays
        root = site.root
        at = site.at
    }

    /// Names the project folder of a site whose executable runs away from its sources.
    public static let rootVariable = "RAMPART_SITE_ROOT"

    static func packageRoot(of file: String) -> String {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder.path }
            folder.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The file the inventory is read as (it is never read from disk).
    public var inventoryPath: String { root + "/" + inventory.folder + "/" + inventory.name + ".yml" }
    /// The file the playbook is read as: templates are in `templates/` beside `playbooks/`.
    public var playbookPath: String { root + "/playbooks/" + name + ".yml" }

    /// The roles the plays use and those they depend on, each once, in order of first use.
    var roles: [Role] {
        var seen: Set<String> = []
        var ordered: [Role] = []
        func visit(_ role: Role) {
            guard seen.insert(role.name).inserted else { return }
            ordered.append(role)
            role.depends.forEach(visit)
        }
        plays.flatMap(\.roles).map(\.role).forEach(visit)
        return ordered
    }

    public var inventoryDeclaration: Declaration { inventory.declaration }

    public var playbookDeclaration: Declaration {
        .map([("name", .value(.string(name), at: at.location)),
              ("roles", .map(roles.map { ($0.name, $0.declaration) }, at: at.location)),
              ("plays", .list(plays.map(\.declaration), at: at.location))], at: at.location)
    }

    /// The site through the loaders, as the YAML files would be: every problem at once, at the Swift file:line:col.
    public func load(vault: VaultPassword? = nil,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Project {
        try Project.load(inventory: inventoryDeclaration, inventoryPath: inventoryPath, playbook: playbookDeclaration,
                         playbookPath: playbookPath, vault: vault, environment: environment)
    }
}
