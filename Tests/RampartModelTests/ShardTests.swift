@testable import RampartModel
import Testing

/// `--shard K/N`: a partition of the hosts — each in exactly one shard, the same one every
/// run, spread evenly, and few hosts moved when N changes.
struct ShardTests {
    static let hosts = (1...1000).map { "web\($0).example.org" }

    @Test func everyHostIsInExactlyOneShard() {
        for count in [1, 2, 3, 4, 7] {
            let shards = (1...count).map { Shard(index: $0, count: count) }
            for host in Self.hosts {
                #expect(shards.filter { $0.contains(host) }.count == 1, "\(host) in \(count) shards")
            }
        }
    }

    @Test func theSplitIsEvenAndStable() {
        let counts = Dictionary(grouping: Self.hosts, by: { Shard.of($0, count: 4) }).mapValues(\.count)
        #expect(counts.keys.sorted() == [1, 2, 3, 4])
        // 1000 hosts over 4 shards: each within ±20 % of 250.
        #expect(counts.values.allSatisfy { (200...300).contains($0) }, "\(counts)")
        // Fixed values: the partition must not change between versions or machines (workers of one run must agree).
        #expect(Self.hosts.prefix(8).map { Shard.of($0, count: 4) } == Self.hosts.prefix(8).map { Shard.of($0, count: 4) })
        #expect(Shard.fnv1a("") == 0xcbf2_9ce4_8422_2325 && Shard.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test func growingByOneShardMovesAboutOneHostInNPlusOne() {
        let moved = Self.hosts.filter { Shard.of($0, count: 4) != Shard.of($0, count: 5) }
        // Rendezvous hashing: only hosts whose new shard 5 wins move (~1/5 of them).
        #expect(moved.allSatisfy { Shard.of($0, count: 5) == 5 })
        #expect((150...250).contains(moved.count), "\(moved.count) of 1000 moved")
    }

    @Test func parsing() {
        #expect(Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "1/0", "x/2", "2", "1/2/3", "", "-1/2"] { #expect(Shard(parsing: bad) == nil, "\(bad)") }
    }
}
