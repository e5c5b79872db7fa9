import Foundation
import RampartBasics

/// The host's mount table, for finding and undoing the lab's overlay mounts (and debootstrap's
/// proc/sys mounts left behind by an interrupted base image build).
enum Mounts {
    /// Mount points at or below `prefix`, deepest first (so nested mounts come off first).
    static func mountPoints(under prefix: String) -> [String] {
        guard let table = ProcFS.readText("/proc/self/mounts") else { return [] }
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        var points: [String] = []
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 1 else { continue }
            let point = MountTableField.unescaped(fields[1])
            if point == base || point.hasPrefix(base + "/") { points.append(point) }
        }
        return points.sorted { $0.count > $1.count }
    }

    static func isMountPoint(_ path: String) -> Bool {
        mountPoints(under: path).contains(path)
    }

    /// Unmounts everything below `prefix`; lazily if a plain unmount is refused.
    static func unmountAll(under prefix: String) throws {
        for point in mountPoints(under: prefix) {
            if Shell.probe("umount", [point]).status != 0 {
                _ = Shell.probe("umount", ["-l", point])
            }
        }
        let left = mountPoints(under: prefix)
        if !left.isEmpty { throw LabError.stillMounted(left) }
    }
}
