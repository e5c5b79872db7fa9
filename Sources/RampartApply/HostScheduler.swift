import RampartBasics

/// Runs per-host work in parallel (at most `forks` at once), starting a host only when every
/// host it waits for has finished; a host whose prerequisite failed is skipped with a reason.
///
/// Hosts of one rolling play go `serial` at a time, in the given order; when one fails, the
/// roll stops and the rest of its hosts are skipped.
public enum HostScheduler {
    /// A host's membership of a roll.
    public struct Roll: Sendable {
        public var name: String
        public var serial: Int
        public init(name: String, serial: Int) { self.name = name; self.serial = serial }
    }

    public static func run(hosts: [String], waitsFor: [String: [String]], rolls: [String: Roll] = [:], forks: Int,
                           work: @escaping @Sendable (String) async -> HostReport,
                           skipped: @escaping @Sendable (String, String) -> HostReport) async -> [HostReport] {
        var reports: [String: HostReport] = [:]
        var pending = hosts
        var running: Set<String> = []
        var stoppedRolls: [String: String] = [:]   // roll → the host that stopped it
        await withTaskGroup(of: HostReport.self) { group in
            func startReady() {
                var index = 0
                while index < pending.count && running.count < max(1, forks) {
                    let host = pending[index]
                    let prerequisites = (waitsFor[host] ?? []).filter { hosts.contains($0) }
                    if let failed = prerequisites.first(where: { reports[$0].map { !$0.succeeded } ?? false }) {
                        pending.remove(at: index)
                        reports[host] = skipped(host, "skipped: \(failed), which it waits for, failed")
                        continue
                    }
                    if let roll = rolls[host] {
                        if let stopper = stoppedRolls[roll.name] {
                            pending.remove(at: index)
                            reports[host] = skipped(host, "skipped: the rolling play '\(roll.name)' stopped after \(stopper) failed")
                            continue
                        }
                        let inRoll = running.filter { rolls[$0]?.name == roll.name }.count
                        let earlierWaiting = pending[..<index].contains { rolls[$0]?.name == roll.name }
                        if inRoll >= roll.serial || earlierWaiting { index += 1; continue }
                    }
                    if prerequisites.allSatisfy({ reports[$0] != nil }) {
                        pending.remove(at: index)
                        running.insert(host)
                        group.addTask { await work(host) }
                        continue
                    }
                    index += 1
                }
            }
            startReady()
            while let report = await group.next() {
                running.remove(report.host)
                reports[report.host] = report
                if !report.succeeded, let roll = rolls[report.host], stoppedRolls[roll.name] == nil {
                    stoppedRolls[roll.name] = report.host
                }
                startReady()
            }
        }
        return hosts.compactMap { reports[$0] }
    }
}
