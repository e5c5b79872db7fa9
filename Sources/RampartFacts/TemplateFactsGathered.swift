import RampartModel

extension TemplateFacts {
    /// The gathered facts as templates see them, for a catalog reading `keys` under `facts` and
    /// listing `globs`; what the host's facts lack (offline, a machine section not asked) comes
    /// from `baseline`.
    public init(_ facts: HostFacts, reading keys: [String] = [], globs: [String] = []) {
        let base = TemplateFacts.baseline
        self.init(osID: facts.os?.id ?? base.osID, osVersion: facts.os?.version ?? base.osVersion,
                  osFamily: facts.os?.family ?? base.osFamily, osCodename: facts.os.map(\.codename).flatMap { $0.isEmpty ? nil : $0 } ?? base.osCodename,
                  arch: facts.machine?.architecture ?? base.arch, cpus: facts.machine?.cpus ?? base.cpus,
                  memoryMB: facts.machine?.memoryMB ?? base.memoryMB,
                  packages: facts.packages.filter(\.value.installed).mapValues(\.version),
                  users: keys.contains(TemplateFacts.usersKey) ? facts.localUsers ?? [] : [],
                  mounts: keys.contains(TemplateFacts.mountsKey) ? facts.mountedFilesystems ?? [] : [],
                  glob: Dictionary(uniqueKeysWithValues: globs.map { ($0, facts.foundFiles?[$0] ?? []) }))
    }
}
