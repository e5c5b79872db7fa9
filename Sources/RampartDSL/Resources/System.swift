import RampartModel

/// `apt_repository:` — a deb822 source in /etc/apt/sources.list.d, its key pinned.
public struct AptRepository: ResourceDeclaration {
    public var declared: DeclaredResource

    public enum Key: Sendable {
        /// A key file under `templates/`, pinned by its fingerprint.
        case file(String, fingerprint: String)
        /// A keyring already on the host.
        case signedBy(String)
    }

    public init(_ name: String, uris: [String], suites: [String], components: [String]? = nil, types: [String]? = nil,
                architectures: [String]? = nil, key: Key, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["types"] = types.map(Value.strings)
        fields["uris"] = .strings(uris)
        fields["suites"] = .strings(suites)
        fields["components"] = components.map(Value.strings)
        fields["architectures"] = architectures.map(Value.strings)
        switch key {
        case .file(let path, let fingerprint):
            fields["key"] = .string(path)
            fields["fingerprint"] = .string(fingerprint)
        case .signedBy(let keyring): fields["signed_by"] = .string(keyring)
        }
        declared = DeclaredResource("apt_repository", name, fields, at)
    }
}

/// `apt_preference:` — an apt pin in /etc/apt/preferences.d.
public struct AptPreference: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, packages: [String]? = nil, pin: String, priority: Int? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["packages"] = packages.map(Value.strings)
        fields["pin"] = .string(pin)
        fields["priority"] = priority.map(Value.int)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("apt_preference", name, fields, at)
    }
}

/// `ini:` — one key of an INI-style file Rampart does not own whole.
public struct Ini: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, path: String, section: String? = nil, key: String, value: String, separator: String? = nil,
                create: Bool? = nil, validate: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["path"] = .string(path)
        fields["section"] = section.map(Value.string)
        fields["key"] = .string(key)
        fields["value"] = .string(value)
        fields["separator"] = separator.map(Value.string)
        fields["create"] = create.map(Value.bool)
        fields["validate"] = validate.map(Value.string)
        declared = DeclaredResource("ini", name, fields, at)
    }
}

/// `cron:` — a job in /etc/cron.d.
public struct Cron: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, schedule: String, command: String, user: String? = nil, mailto: String? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["schedule"] = .string(schedule)
        fields["user"] = user.map(Value.string)
        fields["command"] = .string(command)
        fields["mailto"] = mailto.map(Value.string)
        declared = DeclaredResource("cron", name, fields, at)
    }
}

/// `timezone:` — the host's time zone (`Europe/Berlin`).
public struct Timezone: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ zone: String, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        declared = DeclaredResource("timezone", zone, DeclaredFields(at), at)
    }
}

/// `locale:` — a locale generated on the host, and the default if asked.
/// (Named apart from Foundation's `Locale`.)
public struct SystemLocale: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, isDefault: Bool? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["default"] = isDefault.map(Value.bool)
        declared = DeclaredResource("locale", name, fields, at)
    }
}

/// `alternatives:` — which program a Debian alternative (`editor`) points at.
public struct Alternatives: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, path: String, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["path"] = .string(path)
        declared = DeclaredResource("alternatives", name, fields, at)
    }
}

/// `pam_limits:` — a limit in /etc/security/limits.d.
public struct PamLimits: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias LimitType = PamLimitResource.LimitType

    public init(_ name: String, domain: String? = nil, type: LimitType? = nil, item: String, value: String,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["domain"] = domain.map(Value.string)
        fields["type"] = type.map { .string($0.rawValue) }
        fields["item"] = .string(item)
        fields["value"] = .string(value)
        declared = DeclaredResource("pam_limits", name, fields, at)
    }
}

/// `mount:` — a filesystem mounted now and in /etc/fstab.
public struct Mount: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias State = MountResource.State

    public init(_ path: String, src: String, fstype: String, opts: String? = nil, dump: Int? = nil, passno: Int? = nil, state: State? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["src"] = .string(src)
        fields["fstype"] = .string(fstype)
        fields["opts"] = opts.map(Value.string)
        fields["dump"] = dump.map(Value.int)
        fields["passno"] = passno.map(Value.int)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("mount", path, fields, at)
    }
}

/// `kernel_module:` — a module loaded (with parameters), or kept from loading.
public struct KernelModule: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias State = KernelModuleResource.State

    public init(_ name: String, params: [String: String]? = nil, boot: Bool? = nil, state: State? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["params"] = params.map { .map($0.mapValues(Value.string)) }
        fields["boot"] = boot.map(Value.bool)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("kernel_module", name, fields, at)
    }
}

/// `download:` — a file fetched by URL, checked against its SHA-256.
public struct Download: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias Fetcher = DownloadResource.Fetcher

    public init(_ path: String, url: String, sha256: String, owner: String? = nil, group: String? = nil, mode: FileMode? = nil,
                via: Fetcher? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["url"] = .string(url)
        fields["sha256"] = .string(sha256)
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        fields["mode"] = mode.map { .string($0.text) }
        fields["via"] = via.map { .string($0.rawValue) }
        declared = DeclaredResource("download", path, fields, at)
    }
}

/// `archive:` — an archive on the host unpacked into a folder once.
public struct Archive: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias Format = ArchiveResource.Format

    public init(_ folder: String, src: String, format: Format? = nil, creates: String? = nil, stripComponents: Int? = nil,
                owner: String? = nil, group: String? = nil, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["src"] = .string(src)
        fields["format"] = format.map { .string($0.rawValue) }
        fields["creates"] = creates.map(Value.string)
        fields["strip_components"] = stripComponents.map(Value.int)
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        declared = DeclaredResource("archive", folder, fields, at)
    }
}
