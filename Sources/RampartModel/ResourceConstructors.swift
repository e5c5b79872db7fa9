import RampartBasics

// Leading-dot constructors of model values, for code and tests that build a catalog's input
// directly. A site written in Swift uses RampartDSL instead (typed handles, the loader's checks).

extension Resource {
    /// This resource after the given ones.
    public func requires(_ ids: ResourceID...) -> Resource {
        var copy = self
        copy.requires += ids
        return copy
    }

    /// This resource refreshes (reload, restart, run) when one of the given ones changes.
    public func subscribes(_ ids: ResourceID...) -> Resource {
        var copy = self
        copy.subscribes += ids
        return copy
    }
}

extension Resource {
    public static func package(_ name: String, state: PackageResource.State = .present, version: String? = nil,
                               installRecommends: Bool? = nil) -> Resource {
        Resource(.package(PackageResource(name, state: state, version: version, installRecommends: installRecommends)))
    }

    public static func file(_ path: String, template: String, owner: String? = nil, group: String? = nil,
                            mode: String? = nil, validate: String? = nil) -> Resource {
        Resource(.file(FileResource(path, source: .template(template), owner: owner, group: group, mode: mode,
                                    validate: validate)))
    }

    public static func file(_ path: String, content: String, owner: String? = nil, group: String? = nil,
                            mode: String? = nil, validate: String? = nil) -> Resource {
        Resource(.file(FileResource(path, source: .content(SensitiveText(content)), owner: owner, group: group,
                                    mode: mode, validate: validate)))
    }

    public static func absentFile(_ path: String) -> Resource {
        Resource(.file(FileResource(path, state: .absent)))
    }

    public static func directory(_ path: String, owner: String? = nil, group: String? = nil, mode: String? = nil,
                                 state: Presence = .present) -> Resource {
        Resource(.directory(DirectoryResource(path, owner: owner, group: group, mode: mode, state: state)))
    }

    public static func symlink(_ path: String, target: String, state: Presence = .present) -> Resource {
        Resource(.symlink(SymlinkResource(path, target: target, state: state)))
    }

    public static func service(_ name: String, state: ServiceResource.State = .running, enabled: Bool? = true,
                               refresh: ServiceResource.Refresh = .restart) -> Resource {
        Resource(.service(ServiceResource(name, state: state, enabled: enabled, refresh: refresh)))
    }

    public static func user(_ name: String, uid: Int? = nil, group: String? = nil, groups: [String] = [],
                            home: String? = nil, shell: String? = nil, system: Bool = false,
                            state: Presence = .present) -> Resource {
        Resource(.user(UserResource(name, uid: uid, group: group, groups: groups, home: home, shell: shell,
                                    system: system, state: state)))
    }

    public static func group(_ name: String, gid: Int? = nil, system: Bool = false, state: Presence = .present) -> Resource {
        Resource(.group(UnixGroupResource(name, gid: gid, system: system, state: state)))
    }

    public static func sysctl(_ key: String, value: String, persist: Bool = true) -> Resource {
        Resource(.sysctl(SysctlResource(key, value: value, persist: persist)))
    }

    public static func firewall(_ ruleset: FirewallResource) -> Resource { Resource(.firewall(ruleset)) }
    public static func firewallRule(_ rule: FirewallRuleResource) -> Resource { Resource(.firewallRule(rule)) }
    public static func mysqlDatabase(_ database: MySQLDatabaseResource) -> Resource { Resource(.mysqlDatabase(database)) }
    public static func mysqlUser(_ user: MySQLUserResource) -> Resource { Resource(.mysqlUser(user)) }
    public static func replication(_ replication: ReplicationResource) -> Resource { Resource(.replication(replication)) }
    public static func certificate(_ certificate: CertificateResource) -> Resource { Resource(.certificate(certificate)) }

    public static func command(_ name: String, run: String, creates: String? = nil, unless: String? = nil,
                               onChangeOnly: Bool = false) -> Resource {
        Resource(.command(CommandResource(name, run: run, creates: creates, unless: unless, onChangeOnly: onChangeOnly)))
    }
}

extension Resource {
    public static func systemdUnit(_ name: String, content: String) -> Resource {
        Resource(.systemdUnit(SystemdUnitResource(name, source: .content(SensitiveText(content)))))
    }

    public static func masked(_ unit: String) -> Resource { Resource(.systemdUnit(SystemdUnitResource(unit, state: .masked))) }

    public static func line(_ name: String, path: String, text: String, match: String? = nil,
                            anchor: LineResource.Anchor = .endOfFile, create: Bool = false) -> Resource {
        Resource(.line(LineResource(name, path: path, text: SensitiveText(text), match: match, anchor: anchor, create: create)))
    }

    public static func block(_ name: String, path: String, content: String, marker: String = BlockResource.defaultMarker,
                             anchor: LineResource.Anchor = .endOfFile, create: Bool = false) -> Resource {
        Resource(.block(BlockResource(name, path: path, content: SensitiveText(content), marker: marker, anchor: anchor, create: create)))
    }
}

extension ResourceID {
    public static func file(_ path: String) -> ResourceID { ResourceID(.file, path) }
    public static func package(_ name: String) -> ResourceID { ResourceID(.package, name) }
    public static func service(_ name: String) -> ResourceID { ResourceID(.service, name) }
    public static func directory(_ path: String) -> ResourceID { ResourceID(.directory, path) }
    public static func user(_ name: String) -> ResourceID { ResourceID(.user, name) }
    public static func group(_ name: String) -> ResourceID { ResourceID(.group, name) }
    public static func command(_ name: String) -> ResourceID { ResourceID(.command, name) }
    public static func systemdUnit(_ name: String) -> ResourceID { ResourceID(.systemdUnit, name) }
    public static func certificate(_ name: String) -> ResourceID { ResourceID(.certificate, name) }
}

