import RampartBasics
import RampartModel
import Yams

/// One resource item of a role: `- kind: name` plus that kind's fields, `requires`, `subscribes`.
/// Text fields are kept as written (they may hold `{{ templates }}`; the catalog renders them).
struct ResourceReader {
    let source: YAMLSource
    /// A typed field written as a template is kept for the catalog to render per host (false
    /// when the catalog reads a declaration again with rendered values).
    var deferTemplates = true

    static let commonKeys = ["requires", "subscribes", "loop", "when"]
    /// Kinds whose `state: absent` needs none of their required fields (a replication that is a
    /// primary names no source; a pin, cron job or limit taken away needs no value).
    static let absentNeedsNoFields: Set<ResourceKind> = [.replication, .aptPreference, .cron, .pamLimits]
    static let kindKeys: [ResourceKind: [String]] = [
        .package: ["state", "version", "install_recommends"],
        .file: ["content", "template", "copy_from", "owner", "group", "mode", "validate", "replace", "state"],
        .directory: ["owner", "group", "mode", "state"],
        .symlink: ["target", "state"],
        .service: ["state", "enabled", "refresh"],
        .user: ["uid", "group", "groups", "home", "shell", "system", "password", "password_lock", "password_expire_max",
                "password_expire_min", "password_expire_warn", "state"],
        .group: ["gid", "system", "state"],
        .sysctl: ["value", "persist"],
        .firewall: ["input", "forward", "rules", "confirm_within"],
        .firewallRule: ["port", "ports", "proto", "from"],
        .mysqlDatabase: ["charset", "collation", "state"],
        .mysqlUser: ["host", "password", "privileges", "require_tls", "max_connections", "state"],
        .replication: ["primary", "port", "user", "password", "tls", "ca_file", "read_only", "initial_copy", "state"],
        .certificate: ["common_name", "alt_names", "issuer", "cert", "key", "ca", "bundle", "owner", "group", "valid_days", "renew_before"],
        .command: ["run", "creates", "unless", "on_change_only"],
        .systemdUnit: ["content", "template", "state"],
        .line: ["path", "text", "match", "after", "before", "create", "validate", "state"],
        .block: ["path", "content", "marker", "after", "before", "create", "validate", "state"],
        .aptRepository: ["types", "uris", "suites", "components", "architectures", "key", "fingerprint", "signed_by", "state"],
        .aptPreference: ["packages", "pin", "priority", "state"],
        .ini: ["path", "section", "key", "value", "separator", "create", "validate", "state"],
        .cron: ["schedule", "user", "command", "mailto", "state"],
        .timezone: [],
        .pamLimits: ["domain", "type", "item", "value", "state"],
        .alternatives: ["path"],
        .locale: ["default"],
        .mount: ["src", "fstype", "opts", "dump", "passno", "state"],
        .kernelModule: ["params", "boot", "state"],
        .download: ["url", "sha256", "owner", "group", "mode", "via", "state"],
        .archive: ["src", "format", "creates", "strip_components", "owner", "group"],
        .sshKeypair: ["type", "bits", "owner", "group", "mode", "comment", "state"],
    ]
    static let required: [ResourceKind: [String]] = [
        .symlink: ["target"], .sysctl: ["value"], .mysqlUser: ["host"], .replication: ["primary", "user", "password"],
        .certificate: ["common_name", "cert", "key"], .command: ["run"], .line: ["path"], .block: ["path"],
        .aptPreference: ["pin"], .ini: ["path", "key"], .cron: ["schedule", "command"], .pamLimits: ["item", "value"],
        .alternatives: ["path"], .download: ["url", "sha256"], .archive: ["src"],
    ]

    /// What each field of `kind` is, learnt by running the kind's own reader over a declaration
    /// with no fields (one source of truth for the loader and the JSON Schema).
    static func fieldTypes(of kind: ResourceKind) -> [String: FieldType] {
        let reader = ResourceReader(source: YAMLSource(path: "(schema)", text: ""))
        let fields = Fields(source: reader.source, fields: [:], what: kind.rawValue, anchor: Node("NAME"), deferring: true)
        let recorder = FieldRecorder()
        fields.recorder = recorder
        _ = reader.spec(kind, "NAME", fields)
        return recorder.types
    }

    func resource(_ node: Node) -> Resource? {
        guard case .mapping(let mapping) = node else {
            source.error("a resource must be a mapping like `package: nginx`", hint: "found \(YAMLSource.describe(node))", node: node)
            return nil
        }
        let keys = mapping.compactMap { $0.key.string }
        let kinds = keys.compactMap(ResourceKind.init(rawValue:))
        // `group` is both a kind and a field of `user`/`file`: the first key decides.
        let kind: ResourceKind
        if let first = keys.first, let firstKind = ResourceKind(rawValue: first) {
            kind = firstKind
        } else if kinds.count == 1 {
            kind = kinds[0]
        } else {
            let all = ResourceKind.allCases.map(\.rawValue)
            let guess = keys.lazy.compactMap { Suggestion.closest(to: $0, in: all) }.first
            source.error("this resource has no kind", hint: guess.map { "did you mean '\($0)'? Put the kind first" }
                         ?? "start it with one of: \(all.joined(separator: ", "))", node: node)
            return nil
        }
        let allowed = [kind.rawValue] + Self.kindKeys[kind]! + Self.commonKeys
        guard let entries = source.mapping(node, what: "\(kind.rawValue) resource", allowed: allowed) else { return nil }
        guard let nameNode = entries.first(where: { $0.key == kind.rawValue })?.value,
              let name = source.string(nameNode, what: "the name of the \(kind.rawValue) resource") else { return nil }
        guard !name.isEmpty else {
            source.error("the \(kind.rawValue) resource has an empty name", node: nameNode)
            return nil
        }
        var fields: [String: Node] = [:]
        var locations: [String: SourceLocation] = [:]
        for entry in entries {
            fields[entry.key] = entry.value
            locations[entry.key] = source.location(entry.value)
        }
        locations["name"] = source.location(nameNode)
        let what = "\(kind.rawValue) '\(name)'"
        var missing = false
        // A replication `state: absent` (this server is a primary) names no source; a pin taken away no pin.
        let absent = Self.absentNeedsNoFields.contains(kind) && fields["state"]?.string == "absent"
        for field in absent ? [] : Self.required[kind] ?? [] where fields[field] == nil {
            source.error("\(what) needs `\(field):`", hint: "add `\(field): …` to it", node: nameNode)
            missing = true
        }
        if missing { return nil }
        let f = Fields(source: source, fields: fields, what: what, anchor: nameNode, deferring: deferTemplates)
        let beforeSpec = source.diagnostics.count
        let built = spec(kind, name, f)
        if !f.deferred.isEmpty {
            // Checks that read a templated field saw a placeholder: they run again, per host,
            // on the rendered value (TemplatedFields).
            source.dropDiagnostics(after: beforeSpec)
            f.clearFailure()
        }
        guard let spec = built else { return nil }
        var resource = Resource(spec, declared: Provenance(source.location(node), fields: locations))
        if !f.deferred.isEmpty {
            resource.templated = TemplatedFields(templates: f.deferred,
                                                 reader: NodeDeclarationReader(node: node, path: source.path, environment: source.environment,
                                                                               declaredLines: source.declaredLines))
        }
        resource.requires = f.references("requires")
        resource.subscribes = f.references("subscribes")
        if let when = fields["when"] {
            guard let condition = source.condition(when, what: what) else { return nil }
            resource.when = condition
        }
        if let loop = fields["loop"] {
            // `loop: "{{ groups.webservers }}"` or `loop: [a, b]`.
            if case .scalar = loop { resource.loop = source.string(loop, what: "`loop` of \(what)").map { [$0] } ?? [] }
            else { resource.loop = f.strings("loop") }
        }
        return f.failed ? nil : resource
    }

    private func spec(_ kind: ResourceKind, _ name: String, _ f: Fields) -> ResourceSpec? {
        switch kind {
        case .package:
            return .package(PackageResource(name, state: f.choice("state", PackageResource.State.self) ?? .present,
                                            version: f.string("version"), installRecommends: f.bool("install_recommends")))
        case .file:
            var source = f.fileSource()
            if let from = f.string("copy_from") {
                if source != nil { f.error("file '\(name)' has `copy_from` and `content`/`template`", hint: "keep one", field: "copy_from") }
                source = .copy(from: from)
            }
            let state = f.choice("state", FileState.self) ?? .present
            if state == .present && source == nil && f.fields["state"] == nil {
                f.error("file '\(name)' needs `content:`, `template:` or `copy_from:`", hint: "or `state: present` to manage only the owner, group and mode of a file that is there, `state: touch` to make it empty if missing, `state: absent` to remove it", field: nil)
            }
            if state == .touch {
                // Touch: an empty file when there is none, then its content is someone else's (owner, group, mode kept).
                for key in ["content", "template", "copy_from", "replace"] where f.fields[key] != nil {
                    f.error("file '\(name)' with `state: touch` takes no `\(key)`", hint: "touch makes an empty file if missing and leaves its content alone", field: key)
                }
                return .file(FileResource(name, source: .content(SensitiveText("")), owner: f.string("owner"), group: f.string("group"),
                                          mode: f.mode("mode"), replace: false))
            }
            return .file(FileResource(name, source: source, owner: f.string("owner"), group: f.string("group"),
                                      mode: f.mode("mode"), validate: f.string("validate"), replace: f.bool("replace") ?? true,
                                      state: state == .absent ? .absent : .present))
        case .directory:
            return .directory(DirectoryResource(name, owner: f.string("owner"), group: f.string("group"), mode: f.mode("mode"),
                                                state: f.choice("state", Presence.self) ?? .present))
        case .symlink:
            return .symlink(SymlinkResource(name, target: f.string("target") ?? "", state: f.choice("state", Presence.self) ?? .present))
        case .service:
            return .service(ServiceResource(name, state: f.choice("state", ServiceResource.State.self) ?? .running,
                                            // `enabled: null` leaves the boot setting alone (static units).
                                            enabled: f.nullableBool("enabled", absent: true),
                                            refresh: f.choice("refresh", ServiceResource.Refresh.self) ?? .restart))
        case .user:
            return .user(UserResource(name, uid: f.int("uid", 0...4_294_967_294), group: f.string("group"),
                                      groups: f.strings("groups"), home: f.string("home"), shell: f.string("shell"),
                                      system: f.bool("system") ?? false, password: f.sensitive("password"), passwordLock: f.bool("password_lock"),
                                      passwordExpireMax: f.int("password_expire_max", 0...99999), passwordExpireMin: f.int("password_expire_min", 0...99999),
                                      passwordExpireWarn: f.int("password_expire_warn", 0...99999), state: f.choice("state", Presence.self) ?? .present))
        case .group:
            return .group(UnixGroupResource(name, gid: f.int("gid", 0...4_294_967_294), system: f.bool("system") ?? false,
                                            state: f.choice("state", Presence.self) ?? .present))
        case .sysctl:
            return .sysctl(SysctlResource(name, value: f.scalarText("value") ?? "", persist: f.bool("persist") ?? true))
        case .firewall:
            return .firewall(FirewallResource(name, input: f.choice("input", FirewallResource.Policy.self) ?? .drop,
                                              forward: f.choice("forward", FirewallResource.Policy.self) ?? .drop,
                                              rules: f.firewallRules("rules"),
                                              confirmWithin: f.int("confirm_within", 10...3600) ?? 60))
        case .firewallRule:
            var ports = f.int("port", 1...65535).map { [$0] } ?? []
            ports += f.ints("ports", 1...65535)
            if f.fields["port"] == nil && f.fields["ports"] == nil {
                f.error("firewall_rule '\(name)' needs `port:` or `ports:`", hint: "e.g. `port: 443`", field: nil)
            }
            return .firewallRule(FirewallRuleResource(name, ports: ports, proto: f.choice("proto", FirewallResource.TransportProtocol.self) ?? .tcp,
                                                      from: f.strings("from", absent: ["any"])))
        case .mysqlDatabase:
            return .mysqlDatabase(MySQLDatabaseResource(name, charset: f.string("charset") ?? "utf8mb4",
                                                        collation: f.string("collation"),
                                                        state: f.choice("state", Presence.self) ?? .present))
        case .mysqlUser:
            return .mysqlUser(MySQLUserResource(name, host: f.string("host") ?? "", password: f.sensitive("password"),
                                                privileges: f.strings("privileges"), requireTLS: f.bool("require_tls") ?? false,
                                                maxConnections: f.int("max_connections", 1...100_000),
                                                state: f.choice("state", Presence.self) ?? .present))
        case .replication:
            if f.choice("state", Presence.self) == .absent {
                for key in ["primary", "user", "password", "port", "tls", "ca_file", "read_only", "initial_copy"] where f.fields[key] != nil {
                    f.error("replication '\(name)' with `state: absent` (a primary) takes no `\(key)`", hint: "remove it", field: key)
                }
                return .replication(.primary(channel: name))
            }
            return .replication(ReplicationResource(channel: name, primary: f.string("primary") ?? "",
                                                    port: f.int("port", 1...65535) ?? 3306, user: f.string("user") ?? "",
                                                    password: f.sensitive("password") ?? "", tls: f.bool("tls") ?? true,
                                                    caFile: f.string("ca_file"), readOnly: f.bool("read_only") ?? true,
                                                    initialCopy: f.bool("initial_copy") ?? true))
        case .certificate:
            return .certificate(CertificateResource(name, commonName: f.string("common_name") ?? "",
                                                    subjectAltNames: f.strings("alt_names"),
                                                    issuer: f.choice("issuer", CertificateResource.Issuer.self) ?? .internal,
                                                    certificatePath: f.string("cert") ?? "", keyPath: f.string("key") ?? "",
                                                    caPath: f.string("ca"), bundlePath: f.string("bundle"),
                                                    owner: f.string("owner"), group: f.string("group"),
                                                    validDays: f.int("valid_days", 1...366) ?? 365,
                                                    renewBefore: f.int("renew_before", 1...180) ?? 30))
        case .command:
            let command = CommandResource(name, run: f.string("run") ?? "", creates: f.string("creates"), unless: f.string("unless"),
                                          onChangeOnly: f.bool("on_change_only") ?? false)
            if command.creates == nil && command.unless == nil && !command.onChangeOnly {
                f.error("command '\(name)' has no guard, so it would run on every apply",
                        hint: "add `creates: PATH`, `unless: CHECK-COMMAND`, or `on_change_only: true` with `subscribes:`", field: nil)
            }
            return .command(command)
        case .systemdUnit:
            return systemdUnit(name, f)
        case .aptRepository:
            return aptRepository(name, f)
        case .ini:
            let state = f.choice("state", Presence.self) ?? .present
            let value = f.sensitiveScalar("value")
            if state == .present && value == nil {
                f.error("ini '\(name)' needs `value:`", hint: "or `state: absent` to remove the key", field: nil)
            }
            let key = f.string("key") ?? ""
            if key.isEmpty || key.contains(where: { $0 == "\n" || $0 == "=" || $0 == "[" }) {
                f.error("`key` of ini '\(name)' must be a key name", hint: "e.g. `key: max_connections`", field: "key")
            }
            return .ini(IniResource(name, path: f.string("path") ?? "", section: f.string("section"), key: key, value: value,
                                    separator: f.string("separator") ?? " = ", create: f.bool("create") ?? false,
                                    validate: f.string("validate"), state: state))
        case .cron:
            let cron = CronResource(name, schedule: f.scalarText("schedule") ?? "", user: f.string("user") ?? "root", command: f.string("command") ?? "",
                                    mailto: f.string("mailto"), state: f.choice("state", Presence.self) ?? .present)
            if !name.contains("{{") && !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                f.error("cron '\(name)' names its /etc/cron.d file: letters, digits, - and _ only (cron skips other names)",
                        hint: "e.g. `cron: nightly-backup`", field: "name")
            }
            if cron.state == .present, !cron.schedule.contains("{{"), let e = CronResource.scheduleError(cron.schedule, of: name) {
                f.error(e.message, hint: e.hint, field: "schedule")
            }
            if cron.command.contains("\n") || cron.command.contains("%") {
                f.error("`command` of cron '\(name)' holds a newline or %", hint: "cron reads % as a newline: put the job in a script", field: "command")
            }
            return .cron(cron)
        case .timezone:
            return .timezone(TimezoneResource(name))
        case .alternatives:
            return .alternatives(AlternativesResource(name, path: f.string("path") ?? ""))
        case .sshKeypair:
            let type = f.choice("type", SSHKeyPairResource.KeyType.self) ?? .ed25519
            let bits = f.int("bits", 1...65536)
            if let problem = SSHKeyPairResource.bitsProblem(bits, for: type) { f.error(problem, hint: "leave `bits` out for ssh-keygen's default", field: "bits") }
            let mode = f.mode("mode")
            if let mode, !mode.contains("{{"), let problem = SSHKeyPairResource.modeProblem(mode) {
                f.error(problem, hint: SSHKeyPairResource.modeHint, field: "mode")
            }
            return .sshKeypair(SSHKeyPairResource(name, type: type, bits: bits, owner: f.string("owner") ?? "root", group: f.string("group") ?? "root",
                                                  mode: mode ?? "0600", comment: f.string("comment"),
                                                  state: f.choice("state", Presence.self) ?? .present))
        case .locale:
            if !name.contains("{{"), let problem = LocaleResource.problem(with: name) {
                f.error(problem, hint: "as in /usr/share/i18n/SUPPORTED, e.g. `locale: en_US.UTF-8`", field: "name")
            }
            return .locale(LocaleResource(name, isDefault: f.bool("default") ?? false))
        case .mount:
            return mount(name, f)
        case .kernelModule:
            let state = f.choice("state", KernelModuleResource.State.self) ?? .present
            if !name.contains("{{"), let e = KernelModuleResource.nameError(name) { f.error(e.message, hint: e.hint, field: "name") }
            let parameters = f.stringMap("params")
            for key in parameters.keys.sorted() {
                if let problem = KernelModuleResource.problem(parameter: key, value: parameters[key]!) {
                    f.error("`params` of kernel_module '\(name)': \(problem)", hint: "e.g. `params: { nf_conntrack_helper: 0 }`", field: "params")
                }
            }
            if state != .present && !parameters.isEmpty {
                f.error("kernel_module '\(name)' is \(state.rawValue) and has `params`", hint: "parameters only apply to a loaded module: drop them", field: "params")
            }
            return .kernelModule(KernelModuleResource(name, parameters: parameters, boot: f.bool("boot") ?? true, state: state))
        case .download:
            let url = f.string("url") ?? "", sha256 = f.string("sha256") ?? ""
            if !url.contains("{{"), let e = DownloadResource.urlError(url, of: name) { f.error(e.message, hint: e.hint, field: "url") }
            if !sha256.contains("{{"), let e = DownloadResource.sha256Error(sha256, of: name) { f.error(e.message, hint: e.hint, field: "sha256") }
            return .download(DownloadResource(name, url: url, sha256: sha256, owner: f.string("owner"), group: f.string("group"),
                                              mode: f.mode("mode"), via: f.choice("via", DownloadResource.Fetcher.self) ?? .host,
                                              state: f.choice("state", Presence.self) ?? .present))
        case .archive:
            return archive(name, f)
        case .pamLimits:
            let limit = PamLimitResource(name, domain: f.string("domain") ?? "*", type: f.choice("type", PamLimitResource.LimitType.self) ?? .both,
                                         item: f.string("item") ?? "", value: f.scalarText("value") ?? "", state: f.choice("state", Presence.self) ?? .present)
            if limit.state == .present && !PamLimitResource.items.contains(limit.item) {
                f.error("`item` of pam_limits '\(name)' is '\(limit.item)'",
                        hint: Suggestion.didYouMean(limit.item, in: PamLimitResource.items) ?? "one of \(PamLimitResource.items.joined(separator: ", "))", field: "item")
            }
            if !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                f.error("pam_limits '\(name)' names a file: letters, digits, - _ . only", hint: "e.g. `pam_limits: nofile`", field: "name")
            }
            return .pamLimits(limit)
        case .aptPreference:
            return .aptPreference(AptPreferenceResource(name, packages: f.strings("packages", absent: ["*"]),
                                                        pin: f.string("pin") ?? "", priority: f.int("priority", -1000...10000) ?? 500,
                                                        state: f.choice("state", Presence.self) ?? .present))
        case .line:
            let state = f.choice("state", Presence.self) ?? .present
            let text = f.sensitive("text")
            let match = f.pattern("match")
            if state == .present && text == nil {
                f.error("line '\(name)' needs `text:` (the line it ensures)", hint: "or `state: absent` with `match:` to remove lines", field: nil)
            }
            if state == .absent && text == nil && match == nil {
                f.error("line '\(name)' with `state: absent` needs `match:` or `text:`", hint: "say which lines to remove", field: nil)
            }
            return .line(LineResource(name, path: f.string("path") ?? "", text: text, match: match, anchor: f.insertion(),
                                      create: f.bool("create") ?? false, validate: f.string("validate"), state: state))
        case .block:
            let state = f.choice("state", Presence.self) ?? .present
            let content = f.sensitive("content")
            if state == .present && content == nil {
                f.error("block '\(name)' needs `content:` (its lines)", hint: "or `state: absent` to remove it", field: nil)
            }
            let marker = f.string("marker") ?? BlockResource.defaultMarker
            if !marker.contains("{mark}") {
                f.error("the `marker` of block '\(name)' has no {mark}", hint: "e.g. `marker: \"# {mark} my settings\"` (it becomes BEGIN and END)", field: "marker")
            }
            return .block(BlockResource(name, path: f.string("path") ?? "", content: content ?? SensitiveText(""), marker: marker,
                                        anchor: f.insertion(), create: f.bool("create") ?? false, validate: f.string("validate"), state: state))
        }
    }

    private func aptRepository(_ name: String, _ f: Fields) -> ResourceSpec? {
        let state = f.choice("state", Presence.self) ?? .present
        let repository = AptRepositoryResource(name, types: f.strings("types", absent: ["deb"]), uris: f.strings("uris"),
                                               suites: f.strings("suites"),
                                               components: f.strings("components", absent: ["main"]),
                                               architectures: f.strings("architectures"), key: f.string("key"),
                                               fingerprint: f.string("fingerprint"), signedBy: f.string("signed_by"), state: state)
        if !name.contains("{{") && !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            f.error("apt_repository '\(name)' names a file: letters, digits, - _ . only", hint: "e.g. `apt_repository: mariadb`", field: "name")
        }
        guard state == .present else { return .aptRepository(repository) }
        if repository.uris.isEmpty { f.error("apt_repository '\(name)' needs `uris:`", hint: "e.g. `uris: [https://deb.mariadb.org/10.11/debian]`", field: nil) }
        for type in repository.types where type != "deb" && type != "deb-src" {
            f.error("`types` of apt_repository '\(name)' holds '\(type)'", hint: "deb or deb-src", field: "types")
        }
        if repository.key != nil && repository.signedBy != nil {
            f.error("apt_repository '\(name)' has both `key` and `signed_by`", hint: "keep one", field: "signed_by")
        }
        if repository.fingerprint != nil && repository.key == nil {
            f.error("`fingerprint` of apt_repository '\(name)' pins the `key` file, and there is none", hint: "add `key: FILE` (under templates/)", field: "fingerprint")
        }
        if let fingerprint = repository.fingerprint, AptRepositoryResource.normalizedFingerprint(fingerprint) == nil {
            f.error("`fingerprint` of apt_repository '\(name)' is not 40 hexadecimal digits", hint: "as `gpg --show-keys KEYFILE` prints it", field: "fingerprint")
        }
        if repository.key == nil && repository.signedBy == nil {
            f.error("apt_repository '\(name)' names no key to check its packages with", hint: "add `key: FILE` with `fingerprint:`, or `signed_by: KEYRING` on the host", field: nil)
        }
        return .aptRepository(repository)
    }

    private func mount(_ name: String, _ f: Fields) -> ResourceSpec? {
        let state = f.choice("state", MountResource.State.self) ?? .mounted
        let source = f.string("src"), fstype = f.string("fstype"), options = f.string("opts") ?? "defaults"
        if state == .mounted || state == .present {
            if source == nil { f.error("mount '\(name)' needs `src:` (what is mounted)", hint: "a device, UUID=…, LABEL=…, server:/export or tmpfs", field: nil) }
            if fstype == nil { f.error("mount '\(name)' needs `fstype:`", hint: "e.g. `fstype: ext4`, `tmpfs`, `nfs`", field: nil) }
        }
        for (key, value) in [("src", source), ("fstype", fstype)] {
            if let value, !value.contains("{{"), let e = MountResource.fieldError(key, value, of: name) { f.error(e.message, hint: e.hint, field: key) }
        }
        if !options.contains("{{"), let e = MountResource.optionsError(options, of: name) { f.error(e.message, hint: e.hint, field: "opts") }
        return .mount(MountResource(name, source: source ?? "", fstype: fstype ?? "", options: options, dump: f.int("dump", 0...9) ?? 0,
                                    passno: f.int("passno", 0...9) ?? 0, state: state))
    }

    private func archive(_ name: String, _ f: Fields) -> ResourceSpec? {
        let source = f.string("src") ?? ""
        let format = f.fields["format"] != nil ? f.choice("format", ArchiveResource.Format.self) : ArchiveResource.Format(suffixOf: source)
        if format == nil && !source.contains("{{") {
            let e = ArchiveResource.unknownFormat(of: source, in: name)
            f.error(e.message, hint: e.hint, field: "src")
        }
        let strip = f.int("strip_components", 0...32) ?? 0
        if strip > 0 && format == .zip {
            f.error("`strip_components` of archive '\(name)' works on tar archives only", hint: "unzip cannot drop leading folders", field: "strip_components")
        }
        return .archive(ArchiveResource(name, source: source, format: f.choice("format", ArchiveResource.Format.self), creates: f.string("creates"), stripComponents: strip,
                                        owner: f.string("owner"), group: f.string("group")))
    }

    private func systemdUnit(_ name: String, _ f: Fields) -> ResourceSpec? {
        let state = f.choice("state", SystemdUnitResource.State.self) ?? .present
        if !name.contains("{{"), let problem = SystemdUnitResource.problem(with: name) {
            f.error(problem, hint: "name the file as it goes in \(SystemdUnitResource.directory)", field: "name")
        }
        let source = f.fileSource()
        switch state {
        case .present where source == nil:
            f.error("systemd_unit '\(name)' needs `content:` or `template:`", hint: "or `state: absent` / `state: masked`", field: nil)
        case .absent, .masked:
            for key in ["content", "template"] where f.fields[key] != nil {
                f.error("systemd_unit '\(name)' with `state: \(state.rawValue)` takes no `\(key)`", hint: "remove it", field: key)
            }
            if state == .masked && name.contains("/") {
                f.error("a drop-in cannot be masked, only a unit", hint: "mask '\(name.prefix { $0 != "/" }.dropLast(2))'", field: "state")
            }
        default: break
        }
        return .systemdUnit(SystemdUnitResource(name, source: source, state: state))
    }
}

/// `state` of a file: `touch` is an empty file made if missing, as `replace: false` with no content.
enum FileState: String, CaseIterable { case present, absent, touch }

/// Typed reads of one resource's fields, remembering whether any failed — and, with a
/// `recorder`, what type each read asks for (the JSON Schema is made of that).
private final class Fields {
    let source: YAMLSource
    let fields: [String: Node]
    /// Set when the reader runs over nothing to learn its fields' types (`FieldType.of(kind)`).
    var recorder: FieldRecorder?
    let what: String
    /// Where errors about the resource as a whole point: its name.
    let anchor: Node
    private(set) var failed = false
    private var count: Int
    /// Whether a typed field holding `{{` is kept as a template (`deferred`) instead of read.
    let deferring: Bool
    /// Typed fields kept as templates: field → template.
    private(set) var deferred: [String: String] = [:]

    init(source: YAMLSource, fields: [String: Node], what: String, anchor: Node, deferring: Bool) {
        self.source = source
        self.fields = fields
        self.what = what
        self.anchor = anchor
        self.deferring = deferring
        count = source.diagnostics.count
    }

    func clearFailure() {
        failed = false
        count = source.diagnostics.count
    }

    /// The typed field `key` is a template to render per host: noted, and read as absent now.
    private func isDeferred(_ key: String) -> Bool {
        guard deferring, let node = fields[key], case .scalar(let scalar) = node, node.tag.description != "!env",
              scalar.string.contains("{{") else { return false }
        deferred[key] = scalar.string
        return true
    }

    private func track<T>(_ value: T?) -> T? {
        if source.diagnostics.count > count { failed = true }
        return value
    }

    func error(_ message: String, hint: String?, field: String?) {
        failed = true
        source.error(message, hint: hint, node: field.flatMap { fields[$0] } ?? anchor)
    }

    private func note(_ key: String, _ type: FieldType) { recorder?.types[key] = recorder?.types[key] ?? type }

    func string(_ key: String) -> String? {
        note(key, .text)
        guard let node = fields[key] else { return nil }
        if node.tag.description == "!env" {
            error("`!env` gives a secret, and `\(key)` of \(what) is not a secret field", hint: "only password fields take secrets", field: key)
            return nil
        }
        return track(source.string(node, what: "`\(key)` of \(what)"))
    }

    /// Numbers and booleans are accepted as their text (`value: 1024` for a sysctl).
    func scalarText(_ key: String) -> String? {
        note(key, .text)
        guard let node = fields[key] else { return nil }
        guard case .scalar(let scalar) = node, node.null == nil else { return string(key) }
        return scalar.string
    }

    /// A field that may hold a secret: `!env NAME`, or text (a template such as `{{ vault_db_password }}`).
    func sensitive(_ key: String) -> SensitiveText? {
        note(key, .secretText)
        guard let node = fields[key] else { return nil }
        if node.tag.description == "!env" {
            guard case .secret(let secret) = source.value(node) else { failed = true; return nil }
            return SensitiveText(secret: secret)
        }
        return track(source.string(node, what: "`\(key)` of \(what)")).map { SensitiveText($0) }
    }

    /// A scalar as its text (`value: 1024`), or a secret.
    func sensitiveScalar(_ key: String) -> SensitiveText? {
        note(key, .secretText)
        guard let node = fields[key] else { return nil }
        if case .scalar = node, node.tag.description != "!env" { return scalarText(key).map { SensitiveText($0) } }
        return sensitive(key)
    }

    func bool(_ key: String) -> Bool? {
        note(key, .boolean)
        if isDeferred(key) { return nil }
        return fields[key].flatMap { track(source.bool($0, what: "`\(key)` of \(what)")) }
    }

    func int(_ key: String, _ range: ClosedRange<Int>) -> Int? {
        note(key, .integer(range))
        if isDeferred(key) { return nil }
        return fields[key].flatMap { track(source.int($0, what: "`\(key)` of \(what)", range: range)) }
    }

    func ints(_ key: String, _ range: ClosedRange<Int>) -> [Int] {
        note(key, .integers(range))
        guard !isDeferred(key), let node = fields[key] else { return [] }
        guard case .sequence(let items) = node else {
            error("`\(key)` of \(what) must be a list of numbers", hint: "write `\(key): [80, 443]`", field: key)
            return []
        }
        let values = items.compactMap { source.int($0, what: "an entry of `\(key)` of \(what)", range: range) }
        _ = track(values)
        return values
    }

    func mode(_ key: String) -> String? {
        note(key, .mode)
        if isDeferred(key) { return nil }
        return fields[key].flatMap { track(source.mode($0, what: "`\(key)` of \(what)")) }
    }

    func strings(_ key: String) -> [String] {
        note(key, .texts)
        guard let node = fields[key] else { return [] }
        let items = source.stringList(node, what: "`\(key)` of \(what)").map(\.0)
        _ = track(items)
        return items
    }

    /// A list of text, or `absent` when the field is not there.
    func strings(_ key: String, absent: [String]) -> [String] {
        fields[key] == nil ? (note(key, .texts), absent).1 : strings(key)
    }

    /// true or false; `absent` when the field is not there, nil when it is written as null
    /// (`enabled: null` leaves a static unit's boot setting alone).
    func nullableBool(_ key: String, absent: Bool) -> Bool? {
        note(key, .nullableBoolean)
        guard let node = fields[key] else { return absent }
        return node.null != nil ? nil : bool(key)
    }

    /// A mapping of names to scalar text (`params: { key: value }`), in no particular order.
    func stringMap(_ key: String) -> [String: String] {
        note(key, .textMap)
        guard let node = fields[key] else { return [:] }
        guard case .mapping(let mapping) = node else {
            error("`\(key)` of \(what) must be a mapping", hint: "write `\(key): { name: value }`", field: key)
            return [:]
        }
        var result: [String: String] = [:]
        for (k, v) in mapping {
            guard let name = k.string, case .scalar(let scalar) = v, v.null == nil else {
                source.error("an entry of `\(key)` of \(what) must be `name: value`", hint: "values are numbers or words", node: v)
                failed = true
                continue
            }
            result[name] = scalar.string
        }
        return result
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        note(key, .choice(T.allCases.map(\.rawValue)))
        if isDeferred(key) { return nil }
        return fields[key].flatMap { track(source.choice($0, what: "`\(key)` of \(what)", as: type)) }
    }

    /// A file's `content:` (may hold a secret) or `template:`, not both.
    func fileSource() -> FileResource.Source? {
        let content = sensitive("content"), template = string("template")
        if content != nil && template != nil { error("\(what) has both `content` and `template`", hint: "keep one", field: "template") }
        return content.map { .content($0) } ?? template.map { .template($0) }
    }

    /// A regular expression (checked here unless it is a template, then at rendering).
    func pattern(_ key: String) -> String? {
        string(key).map { checked($0, key) }
    }

    private func checked(_ pattern: String, _ key: String) -> String {
        if !pattern.contains("{{"), let problem = RegularExpressionCheck.problem(pattern) {
            error("`\(key)` of \(what) is not a regular expression: \(problem)", hint: "Swift Regex syntax, as in PCRE: `^PASS_MAX_DAYS\\s`", field: key)
        }
        return pattern
    }

    /// `after: REGEX|EOF` or `before: REGEX|BOF`, one of them.
    func insertion() -> LineResource.Anchor {
        if fields["after"] != nil && fields["before"] != nil {
            error("\(what) has both `after` and `before`", hint: "keep one", field: "before")
        }
        if let after = string("after") { return after == "EOF" ? .endOfFile : .after(checked(after, "after")) }
        if let before = string("before") { return before == "BOF" ? .startOfFile : .before(checked(before, "before")) }
        return .endOfFile
    }

    /// `requires: [package:nginx, file:/etc/x]`.
    func references(_ key: String) -> [ResourceID] {
        note(key, .references)
        guard let node = fields[key] else { return [] }
        var result: [ResourceID] = []
        for (text, item) in source.stringList(node, what: "`\(key)` of \(what)") {
            if let id = ResourceID(reference: text) { result.append(id); continue }
            let kinds = ResourceKind.allCases.map(\.rawValue)
            let prefix = String(text.prefix { $0 != ":" })
            let hint = text.contains(":") ? Suggestion.closest(to: prefix, in: kinds).map { "did you mean '\($0):…'?" }
                ?? "kinds: \(kinds.joined(separator: ", "))" : "write it as KIND:NAME, e.g. package:nginx or file:/etc/nginx/nginx.conf"
            source.error("'\(text)' in `\(key)` of \(what) is not a resource reference", hint: hint, node: item)
            failed = true
        }
        return result
    }

    func firewallRules(_ key: String) -> [FirewallResource.Rule] {
        note(key, .firewallRules)
        guard let node = fields[key] else { return [] }
        guard case .sequence(let items) = node else {
            error("`rules` of \(what) must be a list", hint: "write `- { port: 443, from: [any] }` items", field: key)
            return []
        }
        var rules: [FirewallResource.Rule] = []
        for item in items {
            guard let entries = source.mapping(item, what: "a firewall rule", allowed: ["port", "ports", "proto", "from", "comment"]) else {
                failed = true
                continue
            }
            var rule = FirewallResource.Rule(ports: [])
            for entry in entries {
                switch entry.key {
                case "port": if let port = source.int(entry.value, what: "`port` of a firewall rule", range: 1...65535) { rule.ports = [port] }
                case "ports":
                    if case .sequence(let ports) = entry.value {
                        rule.ports = ports.compactMap { source.int($0, what: "a port of a firewall rule", range: 1...65535) }
                    } else { source.error("`ports` must be a list of port numbers", hint: "write `ports: [80, 443]`", node: entry.value) }
                case "proto": rule.proto = source.choice(entry.value, what: "`proto` of a firewall rule", as: FirewallResource.TransportProtocol.self) ?? .tcp
                case "from": rule.from = source.stringList(entry.value, what: "`from` of a firewall rule").map(\.0)
                case "comment": rule.comment = source.string(entry.value, what: "`comment` of a firewall rule")
                default: break
                }
            }
            if rule.ports.isEmpty && !entries.contains(where: { $0.key == "port" || $0.key == "ports" }) {
                source.error("a firewall rule needs `port:` or `ports:`", hint: "e.g. `- { port: 443, from: [any] }`", node: item)
            }
            rules.append(rule)
        }
        _ = track(rules)
        return rules
    }
}

/// Reads one resource declaration again with some of its fields replaced by rendered values,
/// as if they had been written so: the same checks and messages, at the fields' locations.
struct NodeDeclarationReader: DeclarationReader, @unchecked Sendable {
    // A parsed Yams node is an immutable value; it is only read again.
    let node: Node
    let path: String
    let environment: [String: String]
    let declaredLines: DeclaredLines?

    func read(with rendered: [String: Value]) -> (resource: Resource?, diagnostics: [Diagnostic]) {
        guard case .mapping(let mapping) = node else { return (nil, []) }
        let pairs = mapping.map { key, value -> (Node, Node) in
            guard let name = key.string, let replacement = rendered[name] else { return (key, value) }
            return (key, Self.node(replacement, at: value.mark))
        }
        let source = YAMLSource(path: path, text: "", environment: environment, declaredLines: declaredLines)
        let resource = ResourceReader(source: source, deferTemplates: false)
            .resource(.mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark)))
        return (resource, source.diagnostics)
    }

    /// A rendered value as the node a user would have written (scalars quoted: rendered text
    /// is data, never YAML to resolve — a mode "0644" stays text).
    static func node(_ value: Value, at mark: Mark?) -> Node {
        switch value {
        case .list(let items): return .sequence(Node.Sequence(items.map { node($0, at: mark) }, .implicit, .any, mark))
        case .map(let map):
            return .mapping(Node.Mapping(map.sorted { $0.key < $1.key }.map { (Node.scalar(Node.Scalar($0.key, .implicit, .plain, mark)), node($0.value, at: mark)) },
                                         .implicit, .any, mark))
        case .null: return .scalar(Node.Scalar("null", Tag(.null), .plain, mark))
        default: return .scalar(Node.Scalar(value.description, Tag(.str), .doubleQuoted, mark))
        }
    }
}
