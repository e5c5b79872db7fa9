import RampartBasics
import RampartModel

/// What is mounted at the catalog's mount points: /proc/self/mounts, read once (fstab itself
/// comes with the file probe, as an edited file).
enum MountProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let points = catalog.resources.compactMap { r -> String? in if case .mount(let m) = r.spec { m.path } else { nil } }
        guard !points.isEmpty else { return nil }
        return ProbeSection(name: "mounts", script: "cat /proc/self/mounts 2>/dev/null; true") { output, facts in
            facts.mounts = parse(output, points: Set(points))
        }
    }

    /// `source target fstype options dump pass` lines, fields octal-escaped like fstab's.
    static func parse(_ output: String, points: Set<String>) -> [String: MountFact] {
        var mounts: [String: MountFact] = [:]
        for line in output.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 4 else { continue }
            let target = MountTableField.unescaped(f[1])
            guard points.contains(target) else { continue }
            mounts[target] = MountFact(source: MountTableField.unescaped(f[0]), fstype: String(f[2]), options: String(f[3]))
        }
        return mounts
    }
}
