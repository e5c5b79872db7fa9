import Foundation
import RampartBasics
import RampartModel
import Stencil

/// Renders templates for one host's variables, strictly (see `StrictCheck`) and with secrets
/// kept marked: a secret value enters Stencil as an opaque marker and the output comes back as
/// `SensitiveText`, so a diff or log can show `(sensitive)` exactly where the secret went.
///
/// Whitespace follows Ansible's template defaults (`trim_blocks: true`, `lstrip_blocks: false`):
/// the newline right after a `{% tag %}` is dropped, so a line holding only a tag leaves no
/// blank line; nothing else is trimmed.
/// Not thread-safe (Stencil's environment is a class graph); use one renderer per task.
public final class TemplateRenderer {
    public let library: TemplateLibrary
    private let environment: Environment
    // One renderer serves every host of a compile, so what does not depend on the host is done
    // once: a template's parse, and the Stencil form of a variable whose value is the same as at
    // the last render (`groups` and `hostvars` are shared by all hosts; converting them for every
    // render made compiling quadratic in the number of hosts). Secrets keep one table, so a cached
    // marker stays valid.
    private var parsed: [String: Template] = [:]
    private var converted: [String: (value: Value, stencil: Any)] = [:]
    private let secrets = SecretTable()
    /// Whether a render since the last `takeFactsRead()` read the `facts` variable.
    private var factsRead = false
    /// The variables (by root name) renders read, since the last `takeRootsRead()`.
    private var rootsRead: Set<String> = []
    /// Packages whose installed versions renders read (`facts.packages['NAME']`), since the last `takePackagesRead()`.
    private var packagesRead: Set<String> = []
    /// Keys under `facts` renders read, since the last `takeFactKeysRead()`.
    private var factKeysRead: Set<String> = []
    /// Globs whose matches renders read (`facts.glob['GLOB']`), since the last `takeFactGlobsRead()`.
    private var factGlobsRead: Set<String> = []
    static let filterNames: Set<String> = Set(TemplateFilters.names + MoreFilters.names + ["default", "capitalize", "uppercase", "lowercase",
                                                                       "join", "split", "indent", "filter"])

    public init(library: TemplateLibrary) {
        self.library = library
        environment = Environment(loader: DictionaryLoader(templates: library.files),
                                  extensions: [TemplateFilters.makeExtension(secrets: secrets)], trimBehaviour: TrimBehaviour(leading: .whitespaceAndOneNewLine, trailing: .nothing))
    }

    /// The variable templates read the host's facts through.
    public static let factsVariable = "facts"

    /// True when a render since the last call read `facts` (and forgets it): the caller learns
    /// which of its renders depend on the host's facts.
    public func takeFactsRead() -> Bool {
        defer { factsRead = false }
        return factsRead
    }

    /// The keys under `facts` renders read since the last call (and forgets them).
    public func takeFactKeysRead() -> Set<String> {
        defer { factKeysRead = [] }
        return factKeysRead
    }

    /// The variables (by root name) renders read since the last call (and forgets them).
    public func takeRootsRead() -> Set<String> {
        defer { rootsRead = [] }
        return rootsRead
    }

    /// The globs renders read the matches of since the last call (and forgets them).
    public func takeFactGlobsRead() -> Set<String> {
        defer { factGlobsRead = [] }
        return factGlobsRead
    }

    /// The packages renders read the versions of since the last call (and forgets them).
    public func takePackagesRead() -> Set<String> {
        defer { packagesRead = [] }
        return packagesRead
    }

    /// Renders `templates/<name>`; throws `DiagnosticError` with every problem found.
    public func render(file name: String, variables: [String: Value]) throws -> SensitiveText {
        guard let text = library.files[name] else {
            let hint = Suggestion.didYouMean(name, in: Array(library.files.keys))
                ?? "create \(library.displayPath(name))"
            throw DiagnosticError(.error("template '\(name)' does not exist under \(library.root)/", hint: hint))
        }
        let file = library.displayPath(name)
        return try render(text, name: name, variables: variables) { Self.location(of: $0, file: file) }
    }

    /// Renders text written inline (a resource field, a file's `content:`), located at `origin`.
    public func render(string: String, variables: [String: Value], origin: SourceLocation?) throws -> SensitiveText {
        // Most fields hold no template syntax: skip Stencil entirely.
        if !string.contains("{{") && !string.contains("{%") && !string.contains("{#") { return SensitiveText(string) }
        return try render(string, name: nil, variables: variables) { token in
            let inner = token.sourceMap.location
            guard let origin else {
                return SourceLocation(file: "(inline)", line: Int(inner.lineNumber), column: inner.lineOffset + 1)
            }
            // Inline text starts at the YAML value's position; columns are exact on its first line.
            let line = origin.line + Int(inner.lineNumber) - 1
            return SourceLocation(file: origin.file, line: line, column: inner.lineNumber == 1 ? origin.column + inner.lineOffset : inner.lineOffset + 1)
        }
    }

    /// Only the strict checks, without rendering: what `rampart validate` reports per template.
    public func check(file name: String, variables: [String: Value]) -> [Diagnostic] {
        do { _ = try render(file: name, variables: variables); return [] } catch let error as DiagnosticError {
            return error.diagnostics
        } catch {
            return [.error("\(error)", at: SourceLocation(file: library.displayPath(name), line: 1, column: 1))]
        }
    }

    private func render(_ text: String, name: String?, variables: [String: Value],
                        locate: (Token) -> SourceLocation) throws -> SensitiveText {
        let key = (name ?? "") + "\u{0}" + text
        let template: Template
        if let cached = parsed[key] { template = cached } else {
            template = Template(templateString: text, environment: environment, name: name)
            parsed[key] = template
        }
        var strict = StrictCheck(library: library, variables: variables, knownFilters: Self.filterNames)
        strict.check(tokens: template.tokens, locate: locate)
        if strict.roots.contains(Self.factsVariable) { factsRead = true }
        rootsRead.formUnion(strict.roots)
        packagesRead.formUnion(strict.factPackages)
        factKeysRead.formUnion(strict.factKeys)
        factGlobsRead.formUnion(strict.factGlobs)
        if !strict.diagnostics.isEmpty { throw DiagnosticError(strict.diagnostics) }

        var context: [String: Any] = [:]
        context.reserveCapacity(variables.count)
        for (name, value) in variables {
            // Equal values compare fast when they share storage, as the shared ones do.
            if let cached = converted[name], cached.value == value { context[name] = cached.stencil; continue }
            let stencil = Self.stencilValue(value, secrets)
            converted[name] = (value, stencil)
            context[name] = stencil
        }
        let output: String
        do {
            output = try template.render(Context(dictionary: context, environment: environment))
        } catch let error as TemplateSyntaxError {
            let location = error.token.map { token in
                // An error inside an included template carries that template's token.
                token.sourceMap.filename.map { Self.location(of: token, file: library.displayPath($0)) } ?? locate(token)
            }
            throw DiagnosticError(.error("template: \(error.reason)", hint: "see Stencil's syntax: {{ var }}, {% if %}, {% for x in xs %}",
                                         at: location ?? SourceLocation(file: name.map(library.displayPath) ?? "(inline)", line: 1, column: 1)))
        } catch {
            throw DiagnosticError(.error("template: \(error)", at: SourceLocation(file: name.map(library.displayPath) ?? "(inline)", line: 1, column: 1)))
        }
        return try secrets.restore(output, file: name.map(library.displayPath) ?? "(inline)")
    }

    static func location(of token: Token, file: String) -> SourceLocation {
        let location = token.sourceMap.location
        return SourceLocation(file: file, line: Int(location.lineNumber), column: location.lineOffset + 1)
    }

    /// A model value as Stencil sees it. Maps stay dictionaries so `{% for k, v in map %}`
    /// works (Stencil iterates them in key order).
    static func stencilValue(_ value: Value, _ secrets: SecretTable) -> Any {
        switch value {
        case .string(let s): return s
        case .int(let i): return i
        case .double(let d): return d
        case .bool(let b): return b
        case .list(let items): return items.map { stencilValue($0, secrets) }
        case .map(let map): return map.mapValues { stencilValue($0, secrets) }
        case .secret(let secret): return secrets.marker(for: secret)
        case .null: return ""
        }
    }
}
