import Foundation

/// The host tools the lab runs, and the Debian packages that provide them.
enum Prerequisites {
    static let packageOfTool: [String: String] = [
        "systemd-nspawn": "systemd-container",
        "debootstrap": "debootstrap",
        "apt-cacher-ng": "apt-cacher-ng",
        "setpriv": "util-linux",
        "ip": "iproute2",
        "ssh-keygen": "openssh-client",
        "ssh": "openssh-client",
        "nsenter": "util-linux",
        "nft": "nftables",
        "setsid": "util-linux",
        "mount": "mount",
        "umount": "mount",
        "sha256sum": "coreutils",
        "sh": "dash",
    ]

    /// Needed by every `up` (debootstrap only when the base image must be built).
    static let toolsForUp = ["systemd-nspawn", "apt-cacher-ng", "ip", "ssh-keygen", "nsenter", "setsid", "setpriv",
                             "mount", "umount", "sha256sum", "sh"]
    /// What `ensurePrerequisites` installs when missing.
    static let installable = ["debootstrap", "systemd-nspawn", "apt-cacher-ng", "ip", "ssh-keygen", "ssh", "nft"]

    static func package(for tool: String) -> String {
        packageOfTool[tool] ?? tool
    }

    static func missing(_ tools: [String]) -> [String] {
        tools.filter { Shell.which($0) == nil }
    }

    /// Installs the packages of missing tools with apt-get (refreshing the package lists
    /// once if the first attempt fails, as on a fresh machine).
    static func install(progress: @Sendable (String) -> Void) throws {
        let tools = missing(installable)
        guard !tools.isEmpty else { return }
        var packages: [String] = []
        for tool in tools where !packages.contains(package(for: tool)) { packages.append(package(for: tool)) }
        progress("installing \(packages.joined(separator: " ")) with apt-get")
        let environment = ["DEBIAN_FRONTEND": "noninteractive"]
        let arguments = ["install", "-y", "-q", "--no-install-recommends"] + packages
        if (try? Shell.run("apt-get", arguments, environment: environment)) == nil {
            try Shell.run("apt-get", ["update", "-q"], environment: environment)
            try Shell.run("apt-get", arguments, environment: environment)
        }
        if let still = missing(installable).first {
            throw LabError.missingTool(still, package: package(for: still))
        }
    }
}
