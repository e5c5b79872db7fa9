import RampartBasics
import RampartModel

/// What is mounted, from /proc/self/mounts read once: at the catalog's mount points (fstab
/// itself comes with the file probe, as an edited file), and every entry when the catalog reads
/// `facts.mounts`.
enum MountProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let points = catalog.resources.compactMap { r -> String? in if case .mount(let m) = r.spec { m.path } else { nil } }
        let listsAll = catalog.factKeys.contains(TemplateFacts.mountsKey)
        guard !points.isEmpty || listsAll else { return nil }
        return ProbeSection(name: "mounts", script: "cat /proc/self/mounts 2>/dev/null; true") { output, facts in
            let table = parse(output)
            if !points.isEmpty {
                var mounts: [String: MountFact] = [:]
                for entry in table where points.contains(entry.path) {
                    mounts[entry.path] = MountFact(source: entry.device, fstype: entry.fstype, options: entry.options.joined(separator: ","))
                }
                facts.mounts = mounts
            }
            if listsAll { facts.mountedFilesystems = visible(table) }
        }
    }

    /// One entry per mount point, the one on top (the last mounted there), in the order the
    /// visible mounts were made: a loop over them never declares a mount point twice.
    static func visible(_ table: [TemplateFacts.MountedFilesystem]) -> [TemplateFacts.MountedFilesystem] {
        var last: [String: Int] = [:]
        for (index, entry) in table.enumerated() { last[entry.path] = index }
        return table.enumerated().filter { last[$0.element.path] == $0.offset }.map(\.element)
    }

    /// `source target fstype options dump pass` lines, fields octal-escaped like fstab's, in
    /// the kernel's order (a later mount on the same point covers an earlier one).
    static func parse(_ output: String) -> [TemplateFacts.MountedFilesystem] {
        output.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 4 else { return nil }
            return TemplateFacts.MountedFilesystem(device: MountTableField.unescaped(f[0]), path: MountTableField.unescaped(f[1]),
                                                   fstype: String(f[2]), options: f[3].split(separator: ",").map(String.init))
        }
    }
}
