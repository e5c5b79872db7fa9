import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The hosts themselves: overlay roots, per-host configuration, systemd-nspawn processes,
/// readiness, shutdown and memory.
struct LabContainers: Sendable {
    let configuration: LabConfiguration
    let paths: LabPaths
    let cgroups: LabCgroups

    /// Units that cost boot time, memory or surprise in a lab host:
    /// apt timers would take the dpkg lock in the middle of a playbook run; e2scrub has no
    /// block devices to scrub; console-getty offers a login nobody can use (no root password).
    static let maskedUnits = ["apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_all.timer",
                              "e2scrub_reap.service", "console-getty.service"]

    // MARK: - Preparing a host's root

    /// Mounts the host's overlay and writes its identity, network, SSH and apt settings into
    /// the upper layer. With `keep`, an existing upper layer (and its host keys and
    /// machine-id) is reused; the settings are rewritten, which is idempotent.
    func prepare(_ host: LabHost, baseImage: String, publicKey: String) throws {
        let hostPaths = paths.host(host.name)
        for directory in [hostPaths.upper, hostPaths.work, hostPaths.merged] {
            try Files.makeDirectory(directory)
        }
        if !Mounts.isMountPoint(hostPaths.merged) {
            try Shell.run("mount", ["-t", "overlay", "overlay", "-o",
                                    "lowerdir=\(baseImage),upperdir=\(hostPaths.upper),workdir=\(hostPaths.work)",
                                    hostPaths.merged])
        }
        // Writes go through the merged view and land in the upper layer.
        let root = hostPaths.merged
        try Files.write(root + "/etc/hostname", host.name + "\n")
        try Files.write(root + "/etc/hosts", hostsFile())
        // debootstrap leaves one machine-id in the image (and the build host's name and
        // resolv.conf): every clone would share it. Keep a host's id across `up --keep`.
        if !Files.exists(hostPaths.upper + "/etc/machine-id") {
            try Files.write(root + "/etc/machine-id", LabContainers.randomMachineID() + "\n", mode: 0o444)
        }
        // No DNS server in the lab; the build host's resolver must not leak in (nspawn runs
        // with --resolv-conf=off). Lab names resolve from /etc/hosts; apt uses the proxy.
        try Files.write(root + "/etc/resolv.conf",
                        "# rampart lab: no DNS server; lab names are in /etc/hosts, apt goes through the proxy\n")
        try Files.write(root + "/etc/systemd/network/10-rampart-lab.network", networkFile(host))
        // Enable systemd-networkd as `systemctl enable` would, without a running systemd.
        try Files.symlink(root + "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
                          to: "/lib/systemd/system/systemd-networkd.service")
        try Files.symlink(root + "/etc/systemd/system/sockets.target.wants/systemd-networkd.socket",
                          to: "/lib/systemd/system/systemd-networkd.socket")
        try Files.symlink(root + "/etc/systemd/system/dbus-org.freedesktop.network1.service",
                          to: "/lib/systemd/system/systemd-networkd.service")
        for unit in LabContainers.maskedUnits {
            try Files.symlink(root + "/etc/systemd/system/" + unit, to: "/dev/null")
        }
        try Files.makeDirectory(root + "/root/.ssh", mode: 0o700)
        try Files.write(root + "/root/.ssh/authorized_keys", publicKey.hasSuffix("\n") ? publicKey : publicKey + "\n", mode: 0o600)
        try Files.write(root + "/etc/apt/apt.conf.d/01proxy",
                        "Acquire::http::Proxy \"http://\(configuration.bridgeAddress):\(configuration.proxyPort)\";\n")
        try installHostKeys(host, root: root, upper: hostPaths.upper)
    }

    /// Fresh host keys per host (the image's keys would be shared by every clone, making
    /// host-key checking meaningless). ECDSA and ed25519 only: libssh2 1.10 cannot use RSA
    /// with OpenSSH 9, and skipping RSA generation saves time.
    private func installHostKeys(_ host: LabHost, root: String, upper: String) throws {
        let keyTypes = ["ed25519", "ecdsa"]
        let haveOwnKeys = keyTypes.allSatisfy { Files.exists(upper + "/etc/ssh/ssh_host_\($0)_key") }
        if !haveOwnKeys {
            let sshDirectory = root + "/etc/ssh"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: sshDirectory)) ?? []
            for entry in entries where entry.hasPrefix("ssh_host_") {
                try FileManager.default.removeItem(atPath: sshDirectory + "/" + entry)
            }
            for type in keyTypes {
                let size: [String] = type == "ecdsa" ? ["-b", "256"] : []
                try Shell.run("ssh-keygen", ["-q", "-t", type] + size
                                + ["-N", "", "-C", "root@\(host.name)", "-f", sshDirectory + "/ssh_host_\(type)_key"])
            }
        }
        // Without the RSA key sshd would log an error for the default HostKey list at every start.
        try Files.write(root + "/etc/ssh/sshd_config.d/10-rampart-lab.conf",
                        "# rampart lab\nHostKey /etc/ssh/ssh_host_ed25519_key\nHostKey /etc/ssh/ssh_host_ecdsa_key\n")
    }

    private func hostsFile() -> String {
        var lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
                     "\(configuration.bridgeAddress)\tcontrol"]
        for other in configuration.hosts { lines.append("\(other.address)\t\(other.name)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Static address, no gateway (nothing beyond the bridge is reachable), no IPv6 link-local,
    /// router advertisements or LLDP chatter.
    private func networkFile(_ host: LabHost) -> String {
        """
        # rampart lab: static address on the lab bridge, deliberately no gateway
        [Match]
        Name=host0

        [Network]
        Address=\(host.address)/\(configuration.prefixLength)
        LinkLocalAddressing=no
        IPv6AcceptRA=no
        LLDP=no
        EmitLLDP=no

        """
    }

    static func randomMachineID() -> String {
        (0..<16).map { _ -> String in
            let byte = UInt8.random(in: 0...255)
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    // MARK: - Running hosts

    /// Starts the host's systemd-nspawn detached, in the host's own cgroup, console to a log file.
    /// `--register=no --keep-unit`: there is no system bus (machined) on this machine.
    @discardableResult
    func launch(_ host: LabHost) throws -> Int32 {
        let hostPaths = paths.host(host.name)
        let procsFiles = try cgroups.prepare(host: host.name)
        let command = ["systemd-nspawn",
                       "--directory=" + hostPaths.merged,
                       "--boot",
                       "--register=no",
                       "--keep-unit",
                       "--network-bridge=" + configuration.bridge,
                       "--machine=" + host.name,
                       "--resolv-conf=off",
                       "--timezone=off",
                       "--link-journal=no",
                       "--console=read-only"]
        return try Shell.launchDetached(command, logPath: hostPaths.consoleLog,
                                        pidPath: hostPaths.nspawnPidFile, cgroupProcsFiles: procsFiles)
    }

    /// The host's systemd-nspawn processes: from its cgroup, its pid file, and (for runs
    /// without cgroups) any nspawn whose --directory is the host's overlay.
    func nspawnPids(_ name: String) -> [Int32] {
        var pids = Set(cgroups.supervisorPids(host: name).filter { ProcFS.isAlive($0) })
        let hostPaths = paths.host(name)
        let marker = "--directory=" + hostPaths.merged
        if let text = ProcFS.readText(hostPaths.nspawnPidFile),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           ProcFS.isAlive(pid), ProcFS.commandLine(pid).contains(marker) {
            pids.insert(pid)
        }
        if cgroups.primary == nil {
            for pid in ProcFS.allPids() where ProcFS.commandLine(pid).contains(marker) && ProcFS.isAlive(pid) {
                pids.insert(pid)
            }
        }
        return pids.sorted()
    }

    /// The container's init (PID 1 inside) as a host pid, if it runs.
    func leaderPid(_ name: String) -> Int32? {
        if let leader = cgroups.pids(host: name).first(where: { ProcFS.isNamespaceInit($0) && ProcFS.isAlive($0) }) {
            return leader
        }
        // Without cgroups: init is a direct child of nspawn.
        for nspawn in nspawnPids(name) {
            for pid in ProcFS.allPids() where ProcFS.parentPid(pid) == nspawn && ProcFS.isNamespaceInit(pid) {
                return pid
            }
        }
        return nil
    }

    /// `systemctl is-system-running` inside the host, entered through its init's namespaces:
    /// no network, no SSH, ~10 ms. Nil until systemd answers.
    func systemState(leader: Int32) -> String? {
        let output = Shell.probe("nsenter", ["-t", String(leader), "-a", "systemctl", "is-system-running"])
        let state = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return state.isEmpty ? nil : state
    }

    func memoryBytes(_ name: String) -> UInt64? {
        let pids = cgroups.pids(host: name)
        guard !pids.isEmpty else { return nil }
        var total: UInt64 = 0
        var readAny = false
        for pid in pids {
            if let pss = ProcFS.pssBytes(pid) {
                total += pss
                readAny = true
            }
        }
        return readAny ? total : nil
    }

    /// Polls all hosts until each reports running or degraded. Returns each host's state.
    /// Throws `hostExited` as soon as a host's nspawn dies, `bootTimeout` after `timeout` seconds.
    func waitUntilReady(_ hosts: [LabHost], timeout: Double, started: Double,
                        progress: @Sendable (String) -> Void) throws -> [String: String] {
        var states: [String: String] = [:]
        var lastSeen: [String: String] = [:]
        let deadline = started + timeout
        while states.count < hosts.count {
            for host in hosts where states[host.name] == nil {
                if let leader = leaderPid(host.name) {
                    let state = systemState(leader: leader)
                    if let state { lastSeen[host.name] = state }
                    if state == "running" || state == "degraded" {
                        states[host.name] = state
                        let elapsed = ProcessInfo.processInfo.systemUptime - started
                        progress("\(host.name) (\(host.address)) is up: \(state ?? "") after \(String(format: "%.1f", elapsed)) s")
                    }
                } else if nspawnPids(host.name).isEmpty {
                    throw LabError.hostExited(host: host.name, consoleTail: consoleTail(host.name))
                }
            }
            if states.count == hosts.count { break }
            if ProcessInfo.processInfo.systemUptime > deadline {
                let late = hosts.first(where: { states[$0.name] == nil })?.name ?? "?"
                let state = lastSeen[late].map { "(last state: \($0))\n" } ?? "(systemd never answered)\n"
                throw LabError.bootTimeout(host: late, consoleTail: state + consoleTail(late))
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return states
    }

    func consoleTail(_ name: String) -> String {
        let tail = Text.tail(ofFile: paths.host(name).consoleLog, lines: 25)
        return tail.isEmpty ? "(console log is empty: \(paths.host(name).consoleLog))" : tail
    }

    /// Stops every lab host that has a cgroup, a pid file or a running nspawn: SIGTERM to
    /// nspawn (it asks the container's systemd for a clean poweroff, ~0.5 s), then after
    /// `grace` seconds the whole cgroup is killed. Hosts whose nspawn is already gone
    /// (crashed run) are killed at once: nothing would forward a shutdown request to them.
    func stopAll(extraNames: [String], grace: Double, progress: @Sendable (String) -> Void) {
        var names = Set(cgroups.hostNames()).union(extraNames)
        let hostEntries = (try? FileManager.default.contentsOfDirectory(atPath: paths.hostsDirectory)) ?? []
        names.formUnion(hostEntries)
        let running = names.sorted().filter { cgroups.isPopulated(host: $0) || !nspawnPids($0).isEmpty }
        guard !running.isEmpty else { return }
        progress("stopping \(running.joined(separator: ", "))")
        for name in running {
            let supervisors = nspawnPids(name)
            if supervisors.isEmpty {
                cgroups.kill(host: name)
            } else {
                for pid in supervisors { ProcFS.signal(pid, SIGTERM) }
            }
        }
        func stillRunning() -> [String] {
            running.filter { cgroups.isPopulated(host: $0) || !nspawnPids($0).isEmpty }
        }
        var deadline = ProcessInfo.processInfo.systemUptime + grace
        while ProcessInfo.processInfo.systemUptime < deadline, !stillRunning().isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let stubborn = stillRunning()
        guard !stubborn.isEmpty else { return }
        progress("killing \(stubborn.joined(separator: ", ")) (no clean shutdown within \(Int(grace)) s)")
        for name in stubborn {
            cgroups.kill(host: name)
            for pid in nspawnPids(name) { ProcFS.signal(pid, SIGKILL) }
        }
        deadline = ProcessInfo.processInfo.systemUptime + 5
        while ProcessInfo.processInfo.systemUptime < deadline, !stillRunning().isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
