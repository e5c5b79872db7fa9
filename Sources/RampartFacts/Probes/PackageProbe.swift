import RampartCatalog
import RampartModel

/// Installed status and version of every package the catalog names: one `dpkg-query`.
enum PackageProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let names = catalog.resources.compactMap { r -> String? in if case .package(let p) = r.spec { p.name } else { nil } }
        guard !names.isEmpty else { return nil }
        let latest = catalog.resources.compactMap { r -> String? in
            if case .package(let p) = r.spec, p.state == .latest { p.name } else { nil }
        }
        var script = "dpkg-query -W -f='${Package}|${db:Status-Abbrev}|${Version}\\n' -- \(Sh.words(names)) 2>/dev/null\n"
        if !latest.isEmpty {
            script += "LC_ALL=C apt-cache policy -- \(Sh.words(latest)) 2>/dev/null | while read -r a b; do case \"$a\" in *:) [ -z \"$b\" ] && n=${a%:} ;; Candidate:) printf 'A|%s|%s\\n' \"$n\" \"$b\" ;; esac; done\n"
        }
        script += "true"
        return ProbeSection(name: "packages", script: script) { output, facts in
            for line in output.split(separator: "\n") {
                let f = Sh.fields(line, 3)
                if f.count == 3, f[0] == "A" { facts.packageCandidates[f[1]] = f[2]; continue }
                guard f.count == 3 else { continue }
                facts.packages[f[0]] = PackageFact(status: f[1].trimmingCharacters(in: .whitespaces), version: f[2])
            }
        }
    }
}

import Foundation
