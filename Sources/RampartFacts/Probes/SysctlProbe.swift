import RampartModel

/// Runtime values of the catalog's kernel parameters: one `grep -H` over /proc/sys.
/// (Their persisted files are read by the file probe.)
enum SysctlProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let keys = catalog.resources.compactMap { r -> String? in if case .sysctl(let s) = r.spec { s.key } else { nil } }
        guard !keys.isEmpty else { return nil }
        let script = "grep -H '' -- \(Sh.words(keys.map(HostPaths.procPath))) 2>/dev/null; true"
        return ProbeSection(name: "sysctl", script: script) { output, facts in
            for line in output.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].dropFirst("/proc/sys/".count).replacingOccurrences(of: "/", with: ".")
                // Multi-value parameters print tabs; compare them with single spaces.
                facts.sysctls[key] = line[line.index(after: colon)...].split(whereSeparator: { $0 == "\t" || $0 == " " }).joined(separator: " ")
            }
        }
    }
}
