import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The hosts' package proxy: Debian's tinyproxy on the bridge address, allowing the lab
/// subnet only. Hosts have no route out; apt reaches Debian's mirror through this.
struct LabProxy: Sendable {
    let directory: String
    let listenAddress: String
    let port: Int
    let allowedSubnet: String

    var configPath: String { directory + "/tinyproxy.conf" }
    var pidPath: String { directory + "/tinyproxy.pid" }
    /// tinyproxy's own log (written after it drops to its service user).
    var logPath: String { directory + "/tinyproxy.log" }
    /// stdout/stderr of the process: startup errors such as "Could not create listening sockets".
    var outputPath: String { directory + "/tinyproxy.out" }

    func start() throws {
        guard let address = IPv4Address(listenAddress) else {
            throw LabError.invalidConfiguration("bridgeAddress '\(listenAddress)' is not an IPv4 address")
        }
        // tinyproxy exits 0 even when its port is taken (it forks first), and in the
        // foreground it only says "Could not create listening sockets": check ourselves.
        if ProcFS.isListening(address: address, port: port)
            || ProcFS.isListening(address: IPv4Address(value: 0), port: port) {
            throw LabError.proxyFailed("something already listens on \(listenAddress):\(port) or *:\(port) "
                + "(Debian's own tinyproxy service, started by `apt-get install tinyproxy`? stop it with `service tinyproxy stop`), "
                + "or set proxyPort in the lab configuration")
        }
        let account = serviceAccount()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // tinyproxy opens its log after dropping privileges: the directory must be its own.
        _ = chown(directory, account.uid, account.gid)
        _ = chmod(directory, 0o755)
        let config = """
            # Written by rampart's lab; removed by `down`.
            User \(account.user)
            Group \(account.group)
            Port \(port)
            Listen \(listenAddress)
            Timeout 600
            MaxClients 100
            Allow \(allowedSubnet)
            LogFile "\(logPath)"
            LogLevel Info
            DisableViaHeader Yes

            """
        try Files.write(configPath, config)

        // Foreground (-d) under our launcher: we know its pid and see its startup errors.
        let pid = try Shell.launchDetached(["tinyproxy", "-d", "-c", configPath],
                                           logPath: outputPath, pidPath: pidPath)
        let deadline = ProcessInfo.processInfo.systemUptime + 5
        while ProcessInfo.processInfo.systemUptime < deadline {
            if ProcFS.isListening(address: address, port: port) { return }
            if !ProcFS.isAlive(pid) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let output = Text.tail(ofFile: outputPath, lines: 10)
        throw LabError.proxyFailed("tinyproxy (pid \(pid)) is not listening on \(listenAddress):\(port); its output:\n"
            + (output.isEmpty ? "(none)" : output) + "\nconfig: \(configPath)")
    }

    /// Stops our tinyproxy: the recorded pid, and any tinyproxy running our config file
    /// (a crashed run may have lost the pid file; an orphan would hold the port).
    func stop() {
        var pids = Set<Int32>()
        if let text = ProcFS.readText(pidPath), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           isOurs(pid) {
            pids.insert(pid)
        }
        for pid in ProcFS.allPids() where isOurs(pid) { pids.insert(pid) }
        guard !pids.isEmpty else { return }
        for pid in pids { ProcFS.signal(pid, SIGTERM) }
        let deadline = ProcessInfo.processInfo.systemUptime + 3
        while ProcessInfo.processInfo.systemUptime < deadline, pids.contains(where: { ProcFS.isAlive($0) }) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        for pid in pids where ProcFS.isAlive(pid) { ProcFS.signal(pid, SIGKILL) }
    }

    private func isOurs(_ pid: Int32) -> Bool {
        let arguments = ProcFS.commandLine(pid)
        guard let first = arguments.first, first.hasSuffix("tinyproxy") else { return false }
        return arguments.contains(configPath) && ProcFS.isAlive(pid)
    }

    /// Debian's package creates a `tinyproxy` user; fall back to nobody/nogroup.
    private func serviceAccount() -> (user: String, group: String, uid: uid_t, gid: gid_t) {
        for (user, group) in [("tinyproxy", "tinyproxy"), ("nobody", "nogroup")] {
            if let passwd = getpwnam(user), let groupEntry = getgrnam(group) {
                return (user, group, passwd.pointee.pw_uid, groupEntry.pointee.gr_gid)
            }
        }
        return ("nobody", "nogroup", 65534, 65534)
    }
}
