import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The shared, read-only Debian 12 root every host overlays: built once by debootstrap and
/// cached under a name derived from its recipe, so changing the recipe builds a new image.
///
/// The image is debootstrap's output untouched; everything lab-specific (hostname, network,
/// keys, masks) goes into each host's overlay, so changing that never needs a rebuild.
struct BaseImage: Sendable {
    static let suite = "bookworm"
    static let mirror = "http://deb.debian.org/debian"
    /// python3 for peers (ansible, pyinfra); sudo and ca-certificates as on real servers.
    static let packages = ["openssh-server", "systemd", "systemd-sysv", "dbus", "iproute2",
                           "python3", "sudo", "ca-certificates"]
    static var debootstrapOptions: [String] {
        ["--variant=minbase", "--include=" + packages.joined(separator: ",")]
    }
    /// The recipe string whose SHA-256 (first 12 hex digits) names the cached image.
    static var recipe: String {
        (["debootstrap"] + debootstrapOptions + [suite, mirror]).joined(separator: " ")
    }

    let cacheDirectory: String

    func recipeHash() throws -> String {
        let output = try Shell.run("sha256sum", ["-"], input: Data(BaseImage.recipe.utf8))
        let digest = output.stdout.prefix(while: { $0.isHexDigit })
        guard digest.count >= 12 else {
            throw LabError.commandFailed(command: "sha256sum -", status: 0, stderr: "unexpected output: \(output.stdout)")
        }
        return String(digest.prefix(12))
    }

    /// The cached image's path, building it first if needed; `built` tells which happened.
    func ensure(progress: @Sendable (String) -> Void) throws -> (path: String, built: Bool) {
        let hash = try recipeHash()
        let finalPath = cacheDirectory + "/base-" + hash
        if BaseImage.looksComplete(finalPath) {
            progress("base image: \(finalPath) (cached)")
            return (finalPath, false)
        }
        guard Shell.which("debootstrap") != nil else {
            throw LabError.missingTool("debootstrap", package: "debootstrap")
        }
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        try removeUnfinishedBuilds()
        if FileManager.default.fileExists(atPath: finalPath) {
            // Only a rename ever creates finalPath; an incomplete one was damaged by hand.
            try Mounts.unmountAll(under: finalPath)
            try FileManager.default.removeItem(atPath: finalPath)
        }

        // Build beside the final path and rename: a crash never leaves a half image under the real name.
        let temporaryPath = cacheDirectory + "/.tmp-base-\(hash)-\(getpid())"
        let logPath = cacheDirectory + "/base-\(hash).log"
        progress("base image: building \(finalPath) with debootstrap (about a minute, once)")
        let output = try Shell.execute("debootstrap", BaseImage.debootstrapOptions + [BaseImage.suite, temporaryPath, BaseImage.mirror],
                                       input: nil, environment: ["DEBIAN_FRONTEND": "noninteractive"])
        try? (output.stdout + output.stderr).write(toFile: logPath, atomically: true, encoding: .utf8)
        guard output.status == 0, BaseImage.looksComplete(temporaryPath) else {
            try? Mounts.unmountAll(under: temporaryPath)
            if Mounts.mountPoints(under: temporaryPath).isEmpty {
                try? FileManager.default.removeItem(atPath: temporaryPath)
            }
            throw LabError.baseImageFailed(logPath: logPath, tail: Text.tail(output.stdout + output.stderr, lines: 15))
        }
        // debootstrap unmounts its proc/sys itself; never rename (or later delete) through a live mount.
        try Mounts.unmountAll(under: temporaryPath)
        do {
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: finalPath)
        } catch {
            throw LabError.fileSystem(path: finalPath, reason: "cannot move the new image into place: \(error)")
        }
        return (finalPath, true)
    }

    /// Removes half-built images left by an interrupted build (the caller holds the lab lock,
    /// so no build is running), unmounting debootstrap's proc/sys inside them first.
    private func removeUnfinishedBuilds() throws {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        for entry in entries where entry.hasPrefix(".tmp-base-") {
            let path = cacheDirectory + "/" + entry
            try Mounts.unmountAll(under: path)
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// A usable root has an os-release, a systemd to boot and an sshd to reach.
    static func looksComplete(_ root: String) -> Bool {
        let fileManager = FileManager.default
        return fileManager.fileExists(atPath: root + "/usr/lib/os-release")
            && fileManager.fileExists(atPath: root + "/lib/systemd/systemd")
            && fileManager.fileExists(atPath: root + "/usr/sbin/sshd")
    }
}
