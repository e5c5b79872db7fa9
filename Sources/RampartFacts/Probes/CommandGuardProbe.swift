import RampartModel

/// Runs each guarded command's `unless` check (its `creates` path is read by the file probe).
/// The check runs at fact time, read-only by contract, like Ansible's check commands.
enum CommandGuardProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let commands = catalog.resources.compactMap { r -> CommandResource? in if case .command(let c) = r.spec, c.unless != nil { c } else { nil } }
        guard !commands.isEmpty else { return nil }
        var script = ""
        for (index, command) in commands.enumerated() {
            script += "if ( \(command.unless!) ) >/dev/null 2>&1 </dev/null; then echo 'C|\(index)|0'; else echo 'C|\(index)|1'; fi\n"
        }
        let names = commands.map(\.name)
        return ProbeSection(name: "guards", script: script) { output, facts in
            for line in output.split(separator: "\n") {
                let f = Sh.fields(line, 3)
                guard f.count == 3, f[0] == "C", let index = Int(f[1]), index < names.count else { continue }
                facts.commandsDue[names[index]] = f[2] == "1"
            }
        }
    }
}
