import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The hosts' package proxy: Debian's apt-cacher-ng on the bridge address. Hosts have no route
/// out; apt reaches Debian's mirror through this, and every .deb and index it fetched stays in
/// `cacheDirectory`, which `down` keeps: the second and later fresh labs (and every test run on
/// the same machine) install from the cache instead of the mirror.
///
/// Our own instance with a configuration of our own (never Debian's service, whose backends
/// file remaps deb.debian.org to ftp.debian.org): requests are cached under the host they name.
/// It listens on the bridge address only, so only the lab and the control node reach it.
struct LabProxy: Sendable {
    let directory: String
    let cacheDirectory: String
    let listenAddress: String
    let port: Int

    static let program = "apt-cacher-ng"
    /// Debian's package creates this account; the cache is owned by it, as with Debian's service.
    static let account = "apt-cacher-ng"
    /// Unreferenced files (a package version no index names any more) are expired after this
    /// many days by apt-cacher-ng's own maintenance.
    static let keepUnreferencedDays = 30

    var configurationDirectory: String { directory + "/conf" }
    var configPath: String { configurationDirectory + "/acng.conf" }
    var pidPath: String { directory + "/apt-cacher-ng.pid" }
    /// apt-cacher-ng's own logs (apt-cacher.log: one line per file served, I = from the
    /// mirror, O = to a host; apt-cacher.err).
    var logDirectory: String { directory + "/log" }
    /// stdout/stderr of the process: startup errors.
    var outputPath: String { directory + "/apt-cacher-ng.out" }

    func start() throws {
        guard let address = IPv4Address(listenAddress) else {
            throw LabError.invalidConfiguration("bridgeAddress '\(listenAddress)' is not an IPv4 address")
        }
        if ProcFS.isListening(address: address, port: port)
            || ProcFS.isListening(address: IPv4Address(value: 0), port: port) {
            throw LabError.proxyFailed("something already listens on \(listenAddress):\(port) or *:\(port) "
                + "(a proxy left by an older lab? `rampart lab down` stops it), or set proxyPort in the lab configuration")
        }
        let owner = serviceAccount()
        for path in [directory, configurationDirectory] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        // The cache and the logs are written after apt-cacher-ng runs as its own account.
        for path in [cacheDirectory, logDirectory] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            _ = chown(path, owner.uid, owner.gid)
            _ = chmod(path, 0o755)
        }
        let config = """
            # Written by rampart's lab; removed by `down` (the cache is kept).
            CacheDir: \(cacheDirectory)
            LogDir: \(logDirectory)
            Port: \(port)
            BindAddress: \(listenAddress)
            SocketPath: \(directory)/socket
            ForeGround: 1
            ExThreshold: \(LabProxy.keepUnreferencedDays)
            # HTTPS sources (CONNECT) pass through uncached, as a plain proxy would.
            PassThroughPattern: .*
            ReportPage: acng-report.html

            """
        try Files.write(configPath, config)
        _ = chmod(directory, 0o755)

        // Foreground under our launcher, as its own account: we know its pid and see its errors.
        let pid = try Shell.launchDetached(["setpriv", "--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--clear-groups",
                                            LabProxy.program, "-c", configurationDirectory],
                                           logPath: outputPath, pidPath: pidPath)
        let deadline = ProcessInfo.processInfo.systemUptime + 5
        while ProcessInfo.processInfo.systemUptime < deadline {
            if ProcFS.isListening(address: address, port: port) { return }
            if !ProcFS.isAlive(pid) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let output = Text.tail(ofFile: outputPath, lines: 10) + Text.tail(ofFile: logDirectory + "/apt-cacher.err", lines: 10)
        throw LabError.proxyFailed("apt-cacher-ng (pid \(pid)) is not listening on \(listenAddress):\(port); its output:\n"
            + (output.isEmpty ? "(none)" : output) + "\nconfig: \(configPath)")
    }

    /// Stops our apt-cacher-ng: the recorded pid, and any apt-cacher-ng running our
    /// configuration (a crashed run may have lost the pid file; an orphan would hold the port).
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
        guard let first = arguments.first, first.hasSuffix(LabProxy.program) else { return false }
        return arguments.contains(configurationDirectory) && ProcFS.isAlive(pid)
    }

    /// Debian's package creates an `apt-cacher-ng` account; fall back to nobody/nogroup.
    private func serviceAccount() -> (uid: uid_t, gid: gid_t) {
        if let passwd = getpwnam(LabProxy.account) { return (passwd.pointee.pw_uid, passwd.pointee.pw_gid) }
        if let passwd = getpwnam("nobody"), let group = getgrnam("nogroup") { return (passwd.pointee.pw_uid, group.pointee.gr_gid) }
        return (65534, 65534)
    }
}
