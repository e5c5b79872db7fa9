import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the lab keeps things under its state directory.
struct LabPaths: Sendable {
    let state: String

    var keyPath: String { state + "/id_ed25519" }
    var publicKeyPath: String { keyPath + ".pub" }
    var knownHostsPath: String { state + "/known_hosts" }
    var stateFilePath: String { state + "/state.json" }
    var proxyDirectory: String { state + "/proxy" }
    var hostsDirectory: String { state + "/hosts" }

    func host(_ name: String) -> HostPaths {
        HostPaths(directory: hostsDirectory + "/" + name)
    }
}

/// One host's overlay directories, console log and nspawn pid file.
struct HostPaths: Sendable {
    let directory: String

    /// The host's own changes on top of the base image; deleting it resets the host.
    var upper: String { directory + "/upper" }
    var work: String { directory + "/work" }
    /// The host's root as the container sees it (overlay mount point).
    var merged: String { directory + "/merged" }
    var consoleLog: String { directory + "/console.log" }
    var nspawnPidFile: String { directory + "/nspawn.pid" }
}

/// Small file writes with explicit modes (keys and authorized_keys must not be world-readable).
enum Files {
    static func write(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
        let parent = (path.split(separator: "/", omittingEmptySubsequences: false).dropLast()).joined(separator: "/")
        if !parent.isEmpty {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        do {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LabError.fileSystem(path: path, reason: "cannot write: \(error)")
        }
        guard chmod(path, mode) == 0 else {
            throw LabError.fileSystem(path: path, reason: "cannot set mode: \(String(cString: strerror(errno)))")
        }
    }

    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LabError.fileSystem(path: path, reason: "cannot create directory: \(error)")
        }
        _ = chmod(path, mode)
    }

    /// A symlink (replacing whatever was there): systemd enablement and masking without systemctl.
    static func symlink(_ path: String, to target: String) throws {
        let parent = (path.split(separator: "/", omittingEmptySubsequences: false).dropLast()).joined(separator: "/")
        try makeDirectory(parent)
        _ = unlink(path)
        do {
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        } catch {
            throw LabError.fileSystem(path: path, reason: "cannot create symlink to \(target): \(error)")
        }
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
