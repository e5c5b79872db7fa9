import RampartModel

/// Load, active and enablement state of every service: one `systemctl show`.
enum ServiceProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        var names = catalog.resources.compactMap { r -> String? in if case .service(let s) = r.spec { s.name } else { nil } }
        // Units that `when:` conditions ask about (`facts.units['nginx.service']`).
        names += FactPaths.names("units", in: catalog.factConditions).filter { !names.contains($0) }
        guard !names.isEmpty else { return nil }
        let asked = names
        let script = "systemctl show -p Id,LoadState,ActiveState,UnitFileState -- \(Sh.words(asked.map(ServiceResource.unit))) 2>/dev/null; true"
        return ProbeSection(name: "services", script: script) { output, facts in
            // Blocks in argument order, separated by blank lines.
            let blocks = ProbeLines.systemctlBlocks(output)
            for (name, values) in zip(asked, blocks) {
                facts.services[name] = ServiceFact(loadState: values["LoadState"] ?? "not-found",
                                                   activeState: values["ActiveState"] ?? "inactive",
                                                   unitFileState: values["UnitFileState"] ?? "")
            }
        }
    }
}
