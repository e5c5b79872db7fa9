import RampartBasics

/// The facts a `when:` condition can read, under `facts.` — the contract between the catalog
/// (which checks the names), the probes (which gather them in the one facts exec) and the
/// planner (which answers them). Listed in docs/model.md.
public enum FactPaths {
    /// `facts.os.id` (`debian`, `ubuntu`), `facts.os.version` (`12`, `24.04`), `facts.os.family`
    /// (the first of ID_LIKE, else the id: `debian`), `facts.os.codename` (`bookworm`),
    /// `facts.arch` (dpkg's: `amd64`, `arm64`), `facts.cpus`, `facts.memory_mb`.
    public static let scalars = ["os.id", "os.version", "os.family", "os.codename"] + machine
    /// The ones the facts exec gathers only when a condition reads them (three more processes).
    public static let machine = ["arch", "cpus", "memory_mb"]
    /// `facts.packages.NAME` (the installed version; undefined when not installed),
    /// `facts.units['NAME.service']` (its active state; undefined when systemd has no such unit),
    /// `facts.files['/path']` (`file`, `directory`, `link` or `other`; undefined when absent).
    public static let lookups = ["packages", "units", "files"]

    public static func isKnown(_ path: [String]) -> Bool {
        guard path.first == "facts", path.count >= 2 else { return false }
        if lookups.contains(path[1]) { return path.count == 3 }
        return scalars.contains(path.dropFirst().joined(separator: "."))
    }

    /// Whether `condition` reads one of the `machine` facts.
    public static func readsMachine(_ condition: Condition) -> Bool {
        condition.paths.contains { $0.count == 2 && $0[0] == "facts" && machine.contains($0[1]) }
    }

    /// The first `facts.` path of `condition` that is not a fact Rampart gathers, as an error's
    /// message and hint (nil when there is none).
    public static func unknownFact(in condition: Condition) -> (message: String, hint: String)? {
        guard let path = condition.paths.first(where: { $0.first == "facts" && !isKnown($0) }) else { return nil }
        return ("reads \(Condition.path(path)), which is not a fact Rampart gathers", hint(path))
    }

    public static func hint(_ path: [String]) -> String {
        let asked = path.dropFirst().joined(separator: ".")
        if path.count >= 2, lookups.contains(path[1]) { return "name one: facts.\(path[1])['NAME']" }
        let all = scalars.map { "facts.\($0)" } + lookups.map { "facts.\($0)['NAME']" }
        return Suggestion.closest(to: asked, in: scalars).map { "did you mean 'facts.\($0)'?" } ?? "facts: \(all.joined(separator: ", "))"
    }

    /// The names a catalog's conditions look up in `facts.<lookup>` (e.g. the packages to ask dpkg about).
    public static func names(_ lookup: String, in conditions: [Condition]) -> [String] {
        var names: [String] = []
        for condition in conditions {
            for path in condition.paths where path.count == 3 && path[0] == "facts" && path[1] == lookup && !names.contains(path[2]) {
                names.append(path[2])
            }
        }
        return names
    }
}
