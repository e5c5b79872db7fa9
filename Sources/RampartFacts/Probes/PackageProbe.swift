import RampartModel

/// Installed status and version of every package the catalog names: one `dpkg-query`.
enum PackageProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        var names = catalog.resources.compactMap { r -> String? in if case .package(let p) = r.spec { p.name } else { nil } }
        // Packages that `when:` conditions and templates ask about (`facts.packages.nginx`).
        for name in FactPaths.names("packages", in: catalog.factConditions) + catalog.factPackages where !names.contains(name) { names.append(name) }
        guard !names.isEmpty else { return nil }
        let latest = catalog.resources.compactMap { r -> String? in
            if case .package(let p) = r.spec, p.state == .latest { p.name } else { nil }
        }
        var script = ProbeLines.dpkg(Sh.words(names)) + "\n"
        if !latest.isEmpty {
            script += "LC_ALL=C apt-cache policy -- \(Sh.words(latest)) 2>/dev/null | while read -r a b; do case \"$a\" in *:) [ -z \"$b\" ] && n=${a%:} ;; Candidate:) printf 'A|%s|%s\\n' \"$n\" \"$b\" ;; esac; done\n"
        }
        script += "true"
        return ProbeSection(name: "packages", script: script) { output, facts in
            for line in output.split(separator: "\n") {
                let f = Sh.fields(line, 3)
                if f.count == 3, f[0] == "A" { facts.packageCandidates[f[1]] = f[2]; continue }
                if let (name, fact) = ProbeLines.package(line) { facts.packages[name] = fact }
            }
        }
    }
}

import Foundation
