import RampartModel

/// `user:` — a local account.
public struct User: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, uid: Int? = nil, group: String? = nil, groups: [String]? = nil, home: String? = nil, shell: String? = nil,
                system: Bool? = nil, passwordLock: Bool? = nil, passwordExpireMax: Int? = nil, passwordExpireMin: Int? = nil,
                passwordExpireWarn: Int? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["uid"] = uid.map(Value.int)
        fields["group"] = group.map(Value.string)
        fields["groups"] = groups.map(Value.strings)
        fields["shell"] = shell.map(Value.string)
        fields["home"] = home.map(Value.string)
        fields["system"] = system.map(Value.bool)
        fields["password_lock"] = passwordLock.map(Value.bool)
        fields["password_expire_max"] = passwordExpireMax.map(Value.int)
        fields["password_expire_min"] = passwordExpireMin.map(Value.int)
        fields["password_expire_warn"] = passwordExpireWarn.map(Value.int)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("user", name, fields, at)
    }
}

/// `group:` — a local group (named apart from the inventory's groups).
public struct UnixGroup: ResourceDeclaration {
    public var declared: DeclaredResource

    public init(_ name: String, gid: Int? = nil, system: Bool? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["gid"] = gid.map(Value.int)
        fields["system"] = system.map(Value.bool)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("group", name, fields, at)
    }
}

/// `ssh_keypair:` — a key pair made on the host by ssh-keygen (the private key never leaves it).
public struct SSHKeyPair: ResourceDeclaration {
    public var declared: DeclaredResource

    public typealias KeyType = SSHKeyPairResource.KeyType

    public init(_ path: String, type: KeyType? = nil, bits: Int? = nil, owner: String? = nil, group: String? = nil,
                mode: FileMode? = nil, comment: String? = nil, state: Presence? = nil,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let at = SwiftLocation(file: file, line: line, column: column)
        var fields = DeclaredFields(at)
        fields["type"] = type.map { .string($0.rawValue) }
        fields["bits"] = bits.map(Value.int)
        fields["owner"] = owner.map(Value.string)
        fields["group"] = group.map(Value.string)
        fields["mode"] = mode.map { .string($0.text) }
        fields["comment"] = comment.map(Value.string)
        fields["state"] = state.map { .string($0.rawValue) }
        declared = DeclaredResource("ssh_keypair", path, fields, at)
    }
}
