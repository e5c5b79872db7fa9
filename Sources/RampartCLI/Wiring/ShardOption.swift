import ArgumentParser
import RampartBasics
import RampartModel

/// `--shard K/N` on plan and apply: the part of the selected hosts (after `--limit`) that this
/// worker takes (`Shard`), passed on as a `--limit` of exactly those hosts. As with any limit,
/// `after:` waits only for hosts in this run: shard by something the plays do not order across
/// (all plays of a host are in one shard), or run the ordered plays unsharded.
struct ShardOption: ParsableArguments {
    @Option(name: .long, help: "Take only this worker's part of the selected hosts: K/N, K from 1 (stable hashing of host names; every host in exactly one part).")
    var shard: String?

    func validate() throws {
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard takes K/N with 1 ≤ K ≤ N, e.g. --shard 2/4 (in a Kubernetes Indexed Job: $((JOB_COMPLETION_INDEX + 1))/N)")
        }
    }

    /// The limit to plan with: unchanged without --shard; else this shard's hosts of the
    /// selection (nil result: the shard holds none of them).
    func limit(_ limit: String?, inventory: Inventory) -> (limit: String?, empty: Bool) {
        guard let text = shard, let shard = Shard(parsing: text) else { return (limit, false) }
        let hosts = HostSelection(limit).resolve(in: inventory).hosts.map(\.name).filter(shard.contains)
        return (hosts.joined(separator: ","), hosts.isEmpty)
    }

    /// What an empty shard prints (it succeeds: a matrix may have more workers than hosts).
    static func nothingToDo(_ shard: String?) -> String {
        "Shard \(shard ?? "?") holds none of the selected hosts: nothing to do.\n"
    }
}
