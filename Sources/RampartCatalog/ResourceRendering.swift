import Foundation
import RampartBasics
import RampartModel
import RampartTemplates

/// One declared resource made concrete for a host: text fields rendered (a secret is allowed
/// only in fields meant for secrets: file content, passwords), file templates rendered, and the
/// checks that need the inventory (replication primary, firewall sources, absolute paths).
struct ResourceRendering {
    let resource: Resource
    let variables: [String: Value]
    let renderer: TemplateRenderer
    let inventory: Inventory
    private(set) var diagnostics: [Diagnostic] = []

    init(resource: Resource, variables: [String: Value], renderer: TemplateRenderer, inventory: Inventory) {
        self.resource = resource
        self.variables = variables
        self.renderer = renderer
        self.inventory = inventory
    }

    mutating func render() -> Resource? {
        let before = diagnostics.count
        var result = resource
        result.spec = spec(resource.spec)
        result.requires = resource.requires.map { reference($0) }
        result.subscribes = resource.subscribes.map { reference($0) }
        result.loop = []  // expanded by the host's compilation
        return diagnostics.count == before ? result : nil
    }

    private mutating func spec(_ spec: ResourceSpec) -> ResourceSpec {
        switch spec {
        case .package(var r):
            r.name = text(r.name, "name")
            r.version = r.version.map { text($0, "version") }
            return .package(r)
        case .file(var r):
            r.path = path(r.path, "name")
            r.owner = r.owner.map { text($0, "owner") }
            r.group = r.group.map { text($0, "group") }
            r.validate = r.validate.map { text($0, "validate") }
            r.source = source(r.source)
            return .file(r)
        case .directory(var r):
            r.path = path(r.path, "name")
            r.owner = r.owner.map { text($0, "owner") }
            r.group = r.group.map { text($0, "group") }
            return .directory(r)
        case .symlink(var r):
            r.path = path(r.path, "name")
            r.target = text(r.target, "target")
            return .symlink(r)
        case .service(var r):
            r.name = text(r.name, "name")
            return .service(r)
        case .user(var r):
            r.name = text(r.name, "name")
            r.group = r.group.map { text($0, "group") }
            r.groups = r.groups.map { text($0, "groups") }
            r.home = r.home.map { path($0, "home") }
            r.shell = r.shell.map { path($0, "shell") }
            // A password hash is a secret wherever it came from: never in a plan file or a diff.
            r.password = r.password.map { SensitiveText(secret: Secret(sensitive($0, "password").revealed())) }
            if let hash = r.password?.revealed(), let problem = UserResource.passwordProblem(hash) {
                error("`password` of user '\(r.name)' \(problem)", hint: "give the hash /etc/shadow holds, e.g. `password: \"{{ vault_ops_password|password_hash:'yescrypt' }}\"`", field: "password")
            }
            return .user(r)
        case .group(var r):
            r.name = text(r.name, "name")
            return .group(r)
        case .sysctl(var r):
            r.key = text(r.key, "name")
            r.value = text(r.value, "value")
            return .sysctl(r)
        case .firewall(var r):
            r.name = text(r.name, "name")
            r.rules = r.rules.map { rule($0, field: "rules") }
            return .firewall(r)
        case .firewallRule(var r):
            r.name = text(r.name, "name")
            r.rule = rule(r.rule, field: "from")
            r.rule.comment = r.name
            return .firewallRule(r)
        case .mysqlDatabase(var r):
            r.name = text(r.name, "name")
            return .mysqlDatabase(r)
        case .mysqlUser(var r):
            r.user = text(r.user, "name")
            r.host = text(r.host, "host")
            r.password = r.password.map { sensitive($0, "password") }
            r.privileges = r.privileges.map { text($0, "privileges") }
            for grant in r.privileges where grant.split(separator: ":").count != 2 {
                error("grant '\(grant)' of mysql_user '\(r.user)' must look like `DATABASE.TABLE: PRIVILEGE, PRIVILEGE`",
                      hint: "e.g. `app.*: SELECT, INSERT, UPDATE, DELETE`", field: "privileges")
            }
            return .mysqlUser(r)
        case .replication(var r):
            guard r.state == .present else { return .replication(r) }
            r.primary = text(r.primary, "primary")
            r.user = text(r.user, "user")
            r.password = sensitive(r.password, "password")
            r.caFile = r.caFile.map { path($0, "ca_file") }
            checkHost(r.primary, field: "primary", what: "the replication primary")
            r.primaryAddress = inventory.host(named: r.primary)?.address
            return .replication(r)
        case .certificate(var r):
            r.commonName = text(r.commonName, "common_name")
            r.subjectAltNames = r.subjectAltNames.map { text($0, "alt_names") }
            r.certificatePath = path(r.certificatePath, "cert")
            r.keyPath = path(r.keyPath, "key")
            r.caPath = r.caPath.map { path($0, "ca") }
            r.bundlePath = r.bundlePath.map { path($0, "bundle") }
            r.owner = r.owner.map { text($0, "owner") }
            r.group = r.group.map { text($0, "group") }
            return .certificate(r)
        case .command(var r):
            r.run = text(r.run, "run")
            r.creates = r.creates.map { path($0, "creates") }
            r.unless = r.unless.map { text($0, "unless") }
            return .command(r)
        case .systemdUnit(var r):
            let declared = r.name
            r.name = text(r.name, "name")
            if declared.contains("{{"), let problem = SystemdUnitResource.problem(with: r.name) {
                error(problem, hint: "name the file as it goes in \(SystemdUnitResource.directory)", field: "name")
            }
            r.source = source(r.source)
            return .systemdUnit(r)
        case .line(var r):
            r.path = path(r.path, "path")
            r.text = r.text.map { sensitive($0, "text") }
            if let line = r.text?.revealed(), line.dropLast(line.hasSuffix("\n") ? 1 : 0).contains("\n") {
                error("`text` of line '\(r.name)' holds more than one line", hint: "a line edit is one line; use a `block:` for several", field: "text")
            }
            r.match = r.match.map { pattern($0, "match") }
            r.anchor = anchor(r.anchor)
            r.validate = r.validate.map { text($0, "validate") }
            return .line(r)
        case .block(var r):
            r.path = path(r.path, "path")
            r.content = sensitive(r.content, "content")
            r.marker = text(r.marker, "marker")
            r.anchor = anchor(r.anchor)
            r.validate = r.validate.map { text($0, "validate") }
            return .block(r)
        case .aptRepository(var r):
            r.name = text(r.name, "name")
            r.uris = r.uris.map { text($0, "uris") }
            r.suites = r.suites.map { text($0, "suites") }
            r.components = r.components.map { text($0, "components") }
            r.signedBy = r.signedBy.map { path($0, "signed_by") }
            if let key = r.key.map({ text($0, "key") }) {
                r.key = key
                r.keyText = keyFile(key, fingerprint: r.fingerprint)
            }
            return .aptRepository(r)
        case .ini(var r):
            r.path = path(r.path, "path")
            r.section = r.section.map { text($0, "section") }
            r.key = text(r.key, "key")
            r.value = r.value.map { sensitive($0, "value") }
            if r.value?.revealed().contains("\n") == true {
                error("`value` of ini '\(r.name)' holds a newline", hint: "a setting is one line", field: "value")
            }
            r.validate = r.validate.map { text($0, "validate") }
            return .ini(r)
        case .cron(var r):
            r.name = text(r.name, "name")
            r.schedule = text(r.schedule, "schedule")
            // (Literal ones were checked by the loader too; a resource built in Swift was not.)
            if r.state == .present, let e = CronResource.scheduleError(r.schedule, of: r.name) { error(e.message, hint: e.hint, field: "schedule") }
            r.user = text(r.user, "user")
            r.command = text(r.command, "command")
            r.mailto = r.mailto.map { text($0, "mailto") }
            return .cron(r)
        case .alternatives(var r):
            r.name = text(r.name, "name")
            r.path = path(r.path, "path")
            return .alternatives(r)
        case .locale(var r):
            r.name = text(r.name, "name")
            return .locale(r)
        case .mount(var r):
            r.path = path(r.path, "name")
            r.source = text(r.source, "src")
            r.fstype = text(r.fstype, "fstype")
            r.options = text(r.options, "opts")
            // Both are needed to be in fstab; unmounting or removing may leave them out.
            for (field, value) in [("src", r.source), ("fstype", r.fstype)] where !value.isEmpty || r.state == .mounted || r.state == .present {
                if let e = MountResource.fieldError(field, value, of: r.path) { error(e.message, hint: e.hint, field: field) }
            }
            if let e = MountResource.optionsError(r.options, of: r.path) { error(e.message, hint: e.hint, field: "opts") }
            return .mount(r)
        case .kernelModule(var r):
            r.name = text(r.name, "name")
            if let e = KernelModuleResource.nameError(r.name) { error(e.message, hint: e.hint, field: "name") }
            r.parameters = r.parameters.mapValues { text($0, "params") }
            return .kernelModule(r)
        case .download(var r):
            r.path = path(r.path, "name")
            r.url = text(r.url, "url")
            if let e = DownloadResource.urlError(r.url, of: r.path) { error(e.message, hint: e.hint, field: "url") }
            r.sha256 = text(r.sha256, "sha256")
            if let e = DownloadResource.sha256Error(r.sha256, of: r.path) { error(e.message, hint: e.hint, field: "sha256") }
            r.owner = r.owner.map { text($0, "owner") }
            r.group = r.group.map { text($0, "group") }
            return .download(r)
        case .sshKeypair(var r):
            r.path = path(r.path, "name")
            r.owner = text(r.owner, "owner")
            r.group = text(r.group, "group")
            r.comment = r.comment.map { text($0, "comment") }
            if let problem = SSHKeyPairResource.modeProblem(r.mode) { error(problem, hint: SSHKeyPairResource.modeHint, field: "mode") }
            return .sshKeypair(r)
        case .archive(var r):
            r.path = path(r.path, "name")
            r.source = path(r.source, "src")
            r.creates = r.creates.map { path($0, "creates") }
            if r.format == nil {
                r.format = ArchiveResource.Format(suffixOf: r.source)
                if r.format == nil {
                    let e = ArchiveResource.unknownFormat(of: r.source, in: r.path)
                    error(e.message, hint: e.hint, field: "src")
                }
            }
            r.owner = r.owner.map { text($0, "owner") }
            r.group = r.group.map { text($0, "group") }
            return .archive(r)
        case .timezone(var r):
            r.name = text(r.name, "name")
            return .timezone(r)
        case .pamLimits(var r):
            r.domain = text(r.domain, "domain")
            r.value = text(r.value, "value")
            return .pamLimits(r)
        case .aptPreference(var r):
            r.name = text(r.name, "name")
            r.packages = r.packages.map { text($0, "packages") }
            r.pin = text(r.pin, "pin")
            return .aptPreference(r)
        }
    }

    /// A repository's key file from templates/ (not rendered: a key is data), its primary key's
    /// fingerprint checked against the pinned one.
    private mutating func keyFile(_ name: String, fingerprint: String?) -> String? {
        guard let key = renderer.library.files[name] else {
            error("key file '\(name)' does not exist under \(renderer.library.root)/",
                  hint: Suggestion.didYouMean(name, in: Array(renderer.library.files.keys)) ?? "put the vendor's armored key there", field: "key")
            return nil
        }
        do {
            let actual = try OpenPGPKey.fingerprint(armored: key)
            if let fingerprint, let pinned = AptRepositoryResource.normalizedFingerprint(fingerprint), pinned != actual {
                error("key file '\(name)' holds key \(actual), not the pinned \(pinned)",
                      hint: "the key is not the one you pinned: get the vendor's key again and compare fingerprints", field: "fingerprint")
            }
        } catch let failure as OpenPGPKey.Failure {
            error("key file '\(name)': \(failure.message)", hint: nil, field: "key")
        } catch {}
        return key
    }

    /// A file's content: inline text rendered, or its template file rendered for the host.
    private mutating func source(_ source: FileResource.Source?) -> FileResource.Source? {
        switch source {
        case .content(let content)?: return .content(sensitive(content, "content"))
        case .template(let name)?:
            let name = text(name, "template")
            do { return .rendered(template: name, text: try renderer.render(file: name, variables: variables)) }
            catch let failure as DiagnosticError {
                // A missing template is reported where the resource names it.
                diagnostics += failure.diagnostics.map { d in
                    var d = d
                    if d.location == nil { d.location = resource.declared.location(of: "template") }
                    return d
                }
            } catch { self.error("\(error)", hint: nil, field: "template") }
            return source
        case .copy(let from)?: return .copy(from: path(from, "copy_from"))
        case .rendered, nil: return source
        }
    }

    private mutating func pattern(_ value: String, _ field: String) -> String {
        let rendered = text(value, field)
        if value.contains("{{"), let problem = RegularExpressionCheck.problem(rendered) {
            error("`\(field)` '\(rendered)' is not a regular expression: \(problem)", hint: "Swift Regex syntax, as in PCRE", field: field)
        }
        return rendered
    }

    private mutating func anchor(_ anchor: LineResource.Anchor) -> LineResource.Anchor {
        switch anchor {
        case .after(let p): return .after(pattern(p, "after"))
        case .before(let p): return .before(pattern(p, "before"))
        case .endOfFile, .startOfFile: return anchor
        }
    }

    // MARK: - Field rendering

    /// A field that must not hold a secret (it would reach a command line or a file name).
    private mutating func text(_ value: String, _ field: String) -> String {
        guard let rendered = render(value, field) else { return value }
        if rendered.isSensitive {
            error("`\(field)` of \(resource.id.kind.rawValue) '\(resource.id.name)' uses a secret, which this field would expose",
                  hint: "secrets belong in file content or password fields; they never go on a command line", field: field)
            return value
        }
        return rendered.redacted
    }

    private mutating func path(_ value: String, _ field: String) -> String {
        let rendered = text(value, field)
        if !rendered.hasPrefix("/") {
            error("`\(field == "name" ? resource.id.kind.rawValue : field)` '\(rendered)' must be an absolute path",
                  hint: "start it with /", field: field)
        }
        return rendered
    }

    private mutating func sensitive(_ value: SensitiveText, _ field: String) -> SensitiveText {
        var segments: [SensitiveText.Segment] = []
        for segment in value.segments {
            switch segment {
            case .plain(let template):
                guard let rendered = render(template, field) else { return value }
                segments += rendered.segments
            case .secret:
                segments.append(segment)
            }
        }
        return SensitiveText(segments)
    }

    private mutating func render(_ template: String, _ field: String) -> SensitiveText? {
        do {
            return try renderer.render(string: template, variables: variables, origin: resource.declared.location(of: field))
        } catch let failure as DiagnosticError {
            diagnostics += failure.diagnostics
        } catch {
            self.error("\(error)", hint: nil, field: field)
        }
        return nil
    }

    private mutating func reference(_ id: ResourceID) -> ResourceID {
        ResourceID(id.kind, text(id.name, "requires"))
    }

    // MARK: - Checks against the inventory

    private mutating func checkHost(_ name: String, field: String, what: String) {
        guard inventory.host(named: name) == nil else { return }
        let hint = Suggestion.didYouMean(name, in: inventory.hosts.map(\.name))
            ?? "name a host of the inventory"
        error("\(what) '\(name)' is not a host of the inventory", hint: hint, field: field)
    }

    /// A firewall rule with its sources rendered, checked and resolved to addresses (`host:web1`
    /// → its address, `group:webservers` → each member's); the names stay in the comment.
    private mutating func rule(_ rule: FirewallResource.Rule, field: String) -> FirewallResource.Rule {
        var result = rule
        let sources = rule.from.map { text($0, field) }
        for source in sources { checkSource(source) }
        result.from = sources.flatMap { source -> [String] in
            if source.hasPrefix("host:") { return inventory.host(named: String(source.dropFirst(5))).map { [$0.address] } ?? [] }
            if source.hasPrefix("group:") {
                let name = String(source.dropFirst(6))
                let members = name == "all" ? inventory.hosts.map(\.name) : inventory.members(of: name)
                return members.compactMap { inventory.host(named: $0)?.address }
            }
            return [source]
        }
        if result.comment == nil, sources != ["any"] { result.comment = sources.joined(separator: ", ") }
        return result
    }

    /// `any`, an IPv4/IPv6 address or CIDR, `host:NAME` or `group:NAME`.
    private mutating func checkSource(_ source: String) {
        if source == "any" { return }
        if source.hasPrefix("host:") { return checkHost(String(source.dropFirst(5)), field: "rules", what: "firewall source host") }
        if source.hasPrefix("group:") {
            let name = String(source.dropFirst(6))
            if name == "all" || inventory.group(named: name) != nil { return }
            let hint = Suggestion.closest(to: name, in: inventory.groups.map(\.name)).map { "did you mean 'group:\($0)'?" }
                ?? "name a group of the inventory"
            return error("firewall source group '\(name)' is not a group of the inventory", hint: hint, field: "rules")
        }
        if Self.isAddressOrNetwork(source) { return }
        error("firewall source '\(source)' is not `any`, an address, a network (CIDR), `host:NAME` or `group:NAME`",
              hint: "e.g. `from: [10.0.0.0/24, host:mon1, group:webservers]`", field: "rules")
    }

    static func isAddressOrNetwork(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        let address = String(parts[0])
        var v4 = in_addr(), v6 = in6_addr()
        let isV4 = inet_pton(AF_INET, address, &v4) == 1
        let isV6 = !isV4 && inet_pton(AF_INET6, address, &v6) == 1
        guard isV4 || isV6 else { return false }
        if parts.count == 2 {
            guard let bits = Int(parts[1]), bits >= 0, bits <= (isV4 ? 32 : 128) else { return false }
        }
        return true
    }

    private mutating func error(_ message: String, hint: String?, field: String) {
        diagnostics.append(.error(message, hint: hint, at: resource.declared.location(of: field)))
    }
}
