import RampartModel

/// Whether systemd has the units of the catalog's unit files loaded as they are on disk: one
/// `systemctl show` (`NeedDaemonReload`). The files themselves are read by the file probe.
enum SystemdProbe: FactProbe {
    static func units(_ catalog: HostCatalog) -> [String] {
        var units: [String] = []
        for r in catalog.resources {
            if case .systemdUnit(let u) = r.spec, !units.contains(u.unit) { units.append(u.unit) }
        }
        return units
    }

    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let units = units(catalog)
        guard !units.isEmpty else { return nil }
        let script = "systemctl show -p Id,LoadState,NeedDaemonReload -- \(Sh.words(units)) 2>/dev/null; true"
        return ProbeSection(name: "systemd", script: script) { output, facts in
            let blocks = ProbeLines.systemctlBlocks(output)
            for (unit, values) in zip(units, blocks) {
                facts.systemdUnits[unit] = SystemdUnitFact(loadState: values["LoadState"] ?? "not-found",
                                                           needsDaemonReload: values["NeedDaemonReload"] == "yes")
            }
        }
    }
}
