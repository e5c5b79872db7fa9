import RampartFacts
import RampartModel

/// apt packages: install (honouring the apt proxy, `apt-get update` only when lists are older
/// than a day or an install fails), pin a version, upgrade to latest, remove. Adjacent installs
/// are one step, one apt-get run.
enum PackagePlanner {
    /// What one package needs, or nil when it is as wanted.
    static func need(_ p: PackageResource, _ facts: HostFacts) -> (install: String?, remove: Bool) {
        let fact = facts.packages[p.name]
        switch p.state {
        case .absent:
            return (nil, fact?.installed == true)
        case .present, .latest:
            if let version = p.version {
                return fact?.installed == true && fact?.version == version ? (nil, false) : ("\(p.name)=\(version)", false)
            }
            if p.state == .latest, let candidate = facts.packageCandidates[p.name], fact?.installed == true, candidate != fact?.version {
                return (p.name, false)
            }
            return (fact?.installed == true ? nil : p.name, false)
        }
    }

    static func aptOptions(_ context: PlanContext) -> String {
        var options = "-q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
        if let proxy = context.catalog.aptProxy { options += " -o Acquire::http::Proxy=\(Script.q(proxy))" }
        return options
    }

    static func installStep(_ packages: [(PackageResource, String)], _ context: PlanContext) -> Step {
        let options = aptOptions(context)
        let converged = packages.map { p, _ in
            let expected = p.version.map { "ii \($0)" }
            return expected.map { "dpkg-query -W -f='${db:Status-Abbrev}${Version}' -- \(Script.q(p.name)) 2>/dev/null | grep -qxF \(Script.q($0))" }
                ?? "dpkg-query -W -f='${db:Status-Abbrev}' -- \(Script.q(p.name)) 2>/dev/null | grep -q '^ii'"
        }.joined(separator: " && ")
        // (The planner groups only packages with the same choice into one step.)
        let recommends = packages.first?.0.installRecommends.map { $0 ? " --install-recommends" : " --no-install-recommends" } ?? ""
        let targets = packages.map { Script.q($0.1) }.joined(separator: " ")
        let install = "apt-get \(options) -y\(recommends) install \(targets)"
        let change = """
        if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin -1440 2>/dev/null | head -n 1)" ]; then apt-get \(options) update; fi
        if ! \(install); then apt-get \(options) update && \(install); fi
        """
        let upgrading = packages.filter { context.facts.packages[$0.0.name]?.installed == true }
        let verb = upgrading.isEmpty ? "install" : "install/upgrade"
        return Step(packages.map { ResourceID(.package, $0.0.name) }, upgrading.isEmpty ? .create : .update,
                    summary: "\(verb) \(packages.map(\.1).joined(separator: " "))",
                    script: Script.make(converged: converged, change: change))
    }

    static func removeStep(_ p: PackageResource, _ context: PlanContext) -> Step {
        let converged = "! dpkg-query -W -f='${db:Status-Abbrev}' -- \(Script.q(p.name)) 2>/dev/null | grep -q '^ii'"
        return Step([ResourceID(.package, p.name)], .delete, summary: "remove package \(p.name)",
                    script: Script.make(converged: converged, change: "apt-get \(aptOptions(context)) -y remove \(Script.q(p.name))"))
    }
}
