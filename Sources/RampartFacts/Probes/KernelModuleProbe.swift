import RampartModel

/// Which of the catalog's kernel modules are loaded (/proc/modules) or built in (/sys/module);
/// or that this host cannot see its kernel's modules (a container).
enum KernelModuleProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let names = catalog.resources.compactMap { r -> String? in if case .kernelModule(let k) = r.spec { k.kernelName } else { nil } }
        guard !names.isEmpty else { return nil }
        // Module names are [A-Za-z0-9_] here (checked by the loader): safe unquoted in the script.
        let script = "if [ -r /proc/modules ]; then sed 's/ .*//; s/^/K|/' /proc/modules; "
            + "for m in \(names.joined(separator: " ")); do [ -d /sys/module/$m ] && echo \"K|$m\"; done; else echo U; fi; true"
        return ProbeSection(name: "modules", script: script) { output, facts in
            facts.kernelModules = parse(output, names: names)
        }
    }

    static func parse(_ output: String, names: [String]) -> KernelModuleFacts {
        var loaded: Set<String> = [], visible = true
        for line in output.split(separator: "\n") {
            if line == "U" { visible = false }
            if line.hasPrefix("K|") { loaded.insert(String(line.dropFirst(2))) }
        }
        return KernelModuleFacts(visible: visible, loaded: names.filter(loaded.contains))
    }
}
