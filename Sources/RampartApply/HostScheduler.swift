import RampartBasics

/// Runs per-host work in parallel (at most `forks` at once), starting a host only when every
/// host it waits for has finished; a host whose prerequisite failed is skipped with a reason.
public enum HostScheduler {
    public static func run(hosts: [String], waitsFor: [String: [String]], forks: Int,
                           work: @escaping @Sendable (String) async -> HostReport,
                           skipped: @escaping @Sendable (String, String) -> HostReport) async -> [HostReport] {
        var reports: [String: HostReport] = [:]
        var pending = hosts
        var running: Set<String> = []
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
                startReady()
            }
        }
        return hosts.compactMap { reports[$0] }
    }
}
