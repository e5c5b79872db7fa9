import Foundation
import RampartBasics

/// Where `rampart init` copies the reference deployment's playbooks, roles and templates from:
/// `RAMPART_SHARE`, else Debian's place for a package's data (`/usr/share/rampart`, what the .deb
/// installs), else the source checkout the running binary was built in (`.build/…/rampart`).
struct ReferenceFiles {
    static let environmentVariable = "RAMPART_SHARE"
    static let installed = "/usr/share/rampart"

    /// A folder holding `playbooks/site.yml`, `playbooks/roles/` and `templates/`.
    let root: String

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ReferenceFiles {
        var candidates: [String] = []
        if let share = environment[environmentVariable] { candidates.append(share) }
        candidates.append(installed)
        // The checkout: the executable is <checkout>/.build/<config>/rampart (or a link to it).
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.path)
            folder = folder.deletingLastPathComponent()
        }
        guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/playbooks/site.yml") }) else {
            throw DiagnosticError(.error("the reference deployment's files are not found (looked in \(candidates.prefix(3).joined(separator: ", ")))",
                                         hint: "install Rampart's package, or set \(environmentVariable) to a checkout of Rampart"))
        }
        return ReferenceFiles(root: root)
    }

    func read(_ relative: String) throws -> String {
        guard let text = try? String(contentsOfFile: root + "/" + relative, encoding: .utf8) else {
            throw DiagnosticError(.error("cannot read \(root)/\(relative)", hint: "the reference files at \(root) are incomplete"))
        }
        return text
    }

    /// Every file below `templates/<folder>`, as paths relative to the root.
    func templates(in folder: String) -> [String] {
        let base = root + "/templates/" + folder
        let files = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
        return files.filter { !isDirectory(base + "/" + $0) }.map { "templates/\(folder)/\($0)" }.sorted()
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
