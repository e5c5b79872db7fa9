import Foundation
import RampartBasics

/// Every template under `templates/`, read once into memory, by path relative to that folder.
///
/// Rendering never touches the disk afterwards, so compiling many hosts costs one read per file.
public struct TemplateLibrary: Sendable, Hashable {
    /// The folder the names are relative to, as shown in diagnostics (`templates/nginx/site.conf.j2:3:7`).
    public var root: String
    public var files: [String: String]

    public init(root: String, files: [String: String]) {
        self.root = root
        self.files = files
    }

    /// Reads every regular file below `directory` (a missing folder gives an empty library).
    public static func load(directory: String) throws -> TemplateLibrary {
        let fm = FileManager.default
        var files: [String: String] = [:]
        var problems: [Diagnostic] = []
        // A templates folder may be a symlink (shared between projects): walk what it points to.
        let walked = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        if let walker = fm.enumerator(atPath: walked) {
            while let relative = walker.nextObject() as? String {
                let path = walked + "/" + relative
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                      !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
                guard let data = fm.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    problems.append(.error("template is not readable UTF-8 text", hint: "save it as UTF-8",
                                           at: SourceLocation(file: path, line: 1, column: 1)))
                    continue
                }
                files[relative] = text
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return TemplateLibrary(root: directory, files: files)
    }

    /// `templates/name`, the way diagnostics name a template file.
    public func displayPath(_ name: String) -> String { root + "/" + name }
}
