import RampartBasics
import RampartFacts
import RampartModel

/// The `when:` conditions over facts that the catalog left to the planner, decided on the
/// host's facts. They see the host as it was when the plan was made (a package this plan
/// installs is not yet `facts.packages.NAME`), as Ansible's conditions see gathered facts.
enum Conditions {
    /// The resources whose conditions hold (or, offline, cannot be known yet: `unknown`),
    /// with the problems evaluating them met.
    static func select(_ catalog: HostCatalog, _ facts: HostFacts) -> (resources: [Resource], unknown: [ResourceID: String], diagnostics: [Diagnostic]) {
        var kept: [Resource] = [], unknown: [ResourceID: String] = [:], diagnostics: [Diagnostic] = []
        for resource in catalog.resources {
            guard let when = resource.when else { kept.append(resource); continue }
            do {
                switch try when.holds({ facts.answer($0) }) {
                case true?: kept.append(resource)
                case false?: continue
                case nil:
                    kept.append(resource)
                    unknown[resource.id] = when.description
                }
            } catch let failure as Condition.Failure {
                diagnostics.append(.error("`when: \(when)`: \(failure.message)", hint: "write `x is defined and …` where a fact may be missing",
                                          host: catalog.host, step: resource.id.description))
            } catch {}
        }
        // A role's assertion over facts that does not hold stops this host (offline, unknown ones pass).
        for assertion in catalog.assertions {
            do {
                if try assertion.that.holds({ facts.answer($0) }) == false {
                    diagnostics.append(.error("assertion failed: \(assertion.message)", hint: "`\(assertion.that)` does not hold on this host",
                                              at: assertion.declared.location(of: "that"), host: catalog.host))
                }
            } catch let failure as Condition.Failure {
                diagnostics.append(.error("assertion `\(assertion.that)`: \(failure.message)", hint: "write `x is defined and …` where a fact may be missing",
                                          at: assertion.declared.location(of: "that"), host: catalog.host))
            } catch {}
        }
        return (kept, unknown, diagnostics)
    }
}

extension HostFacts {
    /// A `facts.…` path of a condition (see `FactPaths`), as this host has it.
    func answer(_ path: [String]) -> Condition.Outcome {
        guard path.first == "facts", path.count >= 2 else { return .undefined }
        let missing: Condition.Outcome = assumed ? .unknown : .undefined
        switch (path[1], path.count) {
        case ("os", 3):
            guard let os else { return missing }
            switch path[2] {
            case "id": return .value(.string(os.id))
            case "version": return .value(.string(os.version))
            case "family": return .value(.string(os.family))
            case "codename": return os.codename.isEmpty && assumed ? .unknown : .value(.string(os.codename))
            default: return .undefined
            }
        case ("arch", 2): return machine.map { .value(.string($0.architecture)) } ?? missing
        case ("cpus", 2): return machine.map { .value(.int($0.cpus)) } ?? missing
        case ("memory_mb", 2): return machine.map { .value(.int($0.memoryMB)) } ?? missing
        case ("packages", 3):
            guard let package = packages[path[2]], package.installed else { return .undefined }
            return .value(.string(package.version))
        case ("units", 3):
            guard let unit = services[path[2]], unit.exists else { return assumed ? .unknown : .undefined }
            return .value(.string(unit.activeState))
        case ("files", 3):
            guard let file = files[path[2]] else { return assumed ? .unknown : .undefined }
            switch file.kind {
            case .regular: return .value(.string("file"))
            case .directory: return .value(.string("directory"))
            case .symlink: return .value(.string("link"))
            case .other: return .value(.string("other"))
            }
        default: return .undefined
        }
    }
}
