import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One cgroup per lab host, created by us before systemd-nspawn starts.
///
/// Why: with `--register=no --keep-unit` (no system bus here) nspawn puts the container in
/// `<its own cgroup>/payload`. Started from the same cgroup, all hosts shared one
/// `/payload/system.slice/…` tree: their systemds raced on each other's unit cgroups
/// (`status=219/CGROUP` failures) and stopping a unit in one host would have signalled the
/// same unit's processes in every host. A cgroup per host also gives `down` a reliable handle
/// on every process of a host, even after a crash lost the state file.
struct LabCgroups: Sendable {
    /// Hierarchies in which the hosts get a cgroup (named systemd v1 and/or unified v2).
    let hierarchies: [String]
    /// The hierarchy used to list, watch and kill processes (v2 when present: cgroup.kill, cgroup.events).
    let primary: String?

    static let labDirectoryName = "rampart-lab"

    static func detect() -> LabCgroups {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") {
            return LabCgroups(hierarchies: ["/sys/fs/cgroup"], primary: "/sys/fs/cgroup")
        }
        let candidates = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"]
        let present = candidates.filter { fileManager.fileExists(atPath: $0 + "/cgroup.procs") }
        let primary = present.contains("/sys/fs/cgroup/unified") ? "/sys/fs/cgroup/unified" : present.first
        return LabCgroups(hierarchies: present, primary: primary)
    }

    func hostDirectory(in hierarchy: String, host: String) -> String {
        hierarchy + "/" + LabCgroups.labDirectoryName + "/" + host
    }

    /// Creates the host's cgroups and returns their cgroup.procs files for the launcher.
    func prepare(host: String) throws -> [String] {
        var procsFiles: [String] = []
        for hierarchy in hierarchies {
            let labDirectory = hierarchy + "/" + LabCgroups.labDirectoryName
            let directory = hostDirectory(in: hierarchy, host: host)
            for path in [labDirectory, directory] {
                if mkdir(path, 0o755) != 0 && errno != EEXIST {
                    throw LabError.fileSystem(path: path, reason: "cannot create the host's cgroup: \(String(cString: strerror(errno)))")
                }
            }
            procsFiles.append(directory + "/cgroup.procs")
        }
        return procsFiles
    }

    /// Names of hosts that have a cgroup (running or left over from a crash).
    func hostNames() -> [String] {
        guard let primary else { return [] }
        let directory = primary + "/" + LabCgroups.labDirectoryName
        return LabCgroups.subdirectories(of: directory).map { path in
            String(path.split(separator: "/").last ?? "")
        }
    }

    /// Every process of the host: nspawn's supervisor and the whole container.
    func pids(host: String) -> [Int32] {
        guard let primary else { return [] }
        return LabCgroups.pids(under: hostDirectory(in: primary, host: host))
    }

    /// The systemd-nspawn process(es) of a host: nspawn moves itself into `supervisor`.
    func supervisorPids(host: String) -> [Int32] {
        guard let primary else { return [] }
        let file = hostDirectory(in: primary, host: host) + "/supervisor/cgroup.procs"
        return LabCgroups.parsePids(ProcFS.readText(file) ?? "")
    }

    func isPopulated(host: String) -> Bool {
        guard let primary else { return false }
        let directory = hostDirectory(in: primary, host: host)
        if let events = ProcFS.readText(directory + "/cgroup.events") {
            return events.contains("populated 1")
        }
        return !LabCgroups.pids(under: directory).isEmpty
    }

    /// Kills every process of the host at once (cgroup v2 `cgroup.kill`), or one by one on v1.
    func kill(host: String) {
        guard let primary else { return }
        let directory = hostDirectory(in: primary, host: host)
        if FileManager.default.fileExists(atPath: directory + "/cgroup.kill"),
           ProcFS.writeKernelFile(directory + "/cgroup.kill", "1") {
            return
        }
        for pid in LabCgroups.pids(under: directory) { ProcFS.signal(pid, SIGKILL) }
    }

    /// Removes the lab's (empty) cgroups, deepest first. cgroupfs only allows rmdir.
    func removeAll() {
        for hierarchy in hierarchies {
            LabCgroups.removeTree(hierarchy + "/" + LabCgroups.labDirectoryName)
        }
    }

    // MARK: - cgroupfs walking

    static func subdirectories(of directory: String) -> [String] {
        let fileManager = FileManager.default
        let entries = (try? fileManager.contentsOfDirectory(atPath: directory)) ?? []
        return entries.compactMap { entry -> String? in
            let path = directory + "/" + entry
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            return path
        }
    }

    static func pids(under directory: String) -> [Int32] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        var result = parsePids(ProcFS.readText(directory + "/cgroup.procs") ?? "")
        for child in subdirectories(of: directory) { result += pids(under: child) }
        return result
    }

    static func parsePids(_ text: String) -> [Int32] {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).compactMap { Int32($0) }
    }

    static func removeTree(_ directory: String) {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        for child in subdirectories(of: directory) { removeTree(child) }
        _ = rmdir(directory)
    }
}
