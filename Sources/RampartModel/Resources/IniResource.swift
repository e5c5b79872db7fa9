import RampartBasics

/// One setting of a file Rampart does not own whole (Ansible's ini_file, and key-value files
/// without sections): `[section]` + `key = value` in `my.cnf`-like files, `KEY=value` in
/// /etc/default/*, `KEY value` in /etc/login.defs. The first line setting the key in the section
/// is rewritten (or the key added at the section's end, the section at the file's end); absent
/// removes every line setting it there.
public struct IniResource: ResourceDescription {
    public static let kind = ResourceKind.ini

    /// A label for the setting (`max connections`).
    public var name: String
    public var path: String
    /// nil: outside any section (before the first `[section]`, or a file without sections).
    public var section: String?
    public var key: String
    /// The value (may hold a secret); nil with `state: absent`.
    public var value: SensitiveText?
    /// Written between key and value: ` = ` (default), `=` (/etc/default), ` ` or a tab (login.defs).
    public var separator: String
    public var create: Bool
    public var validate: String?
    public var state: Presence

    public init(_ name: String, path: String, section: String? = nil, key: String, value: SensitiveText? = nil, separator: String = " = ",
                create: Bool = false, validate: String? = nil, state: Presence = .present) {
        self.name = name
        self.path = path
        self.section = section
        self.key = key
        self.value = value
        self.separator = separator
        self.create = create
        self.validate = validate
        self.state = state
    }
}
