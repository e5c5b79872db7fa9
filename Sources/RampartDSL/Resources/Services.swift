import RampartModel

/// `service:` — a systemd service running (or stopped) and enabled at boot.
public struct Service: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias State = ServiceResource.State
    /// What a change of a subscribed resource does to the service.
    public typealias Refresh = ServiceResource.Refresh

    /// `enabled` left out: enabled at boot; `leaveBootSetting`: neither (static units).
    public init(_ name: String, state: State? = nil, enabled: Bool? = nil, leaveBootSetting: Bool = false, refresh: Refresh? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["state"] = state.map { .string($0.rawValue) }
        fields["enabled"] = leaveBootSetting ? .null : enabled.map(Value.bool)
        fields["refresh"] = refresh.map { .string($0.rawValue) }
        declared = DeclaredResource("service", name, fields, at)
    }
}

/// `systemd_unit:` — a unit file or a drop-in (`NAME.service.d/FILE.conf`); systemd is reloaded before it is used.
public struct SystemdUnit: ResourceDeclaration {
    public var declared: DeclaredResource

    public enum Content: Sendable {
        case text(String)
        case template(String)
    }

    public init(_ name: String, _ content: Content, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        switch content {
        case .text(let text): fields["content"] = .string(text)
        case .template(let template): fields["template"] = .string(template)
        }
        declared = DeclaredResource("systemd_unit", name, fields, at)
    }

    /// A unit taken away, or masked so nothing can start it.
    public init(_ name: String, state: SystemdUnitResource.State, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["state"] = .string(state.rawValue)
        declared = DeclaredResource("systemd_unit", name, fields, at)
    }
}

/// `command:` — a shell command with a guard: it runs only when `creates` is missing, when
/// `unless` fails, or (with `onChangeOnly`) when a subscribed resource changed.
public struct Command: ResourceDeclaration {
    public var declared: DeclaredResource

    public enum Guard: Sendable {
        case creates(String)
        case unless(String)
        case onChange
    }

    /// The guard is required: a command without one would run on every apply.
    public init(_ name: String, run: String, _ guard: Guard, file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["run"] = .string(run)
        switch `guard` {
        case .creates(let path): fields["creates"] = .string(path)
        case .unless(let check): fields["unless"] = .string(check)
        case .onChange: fields["on_change_only"] = .bool(true)
        }
        declared = DeclaredResource("command", name, fields, at)
    }
}
