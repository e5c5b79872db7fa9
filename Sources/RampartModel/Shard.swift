/// `--shard K/N`: this worker's part of the selected hosts, so N workers (a CI matrix, a
/// Kubernetes Indexed Job) each take one part and every host is taken exactly once.
///
/// The partition is rendezvous (highest-random-weight) hashing of the host's name: each host
/// goes to the shard whose weight `hash(name, shard)` is highest. It depends on nothing but the
/// name and N — not on the inventory's order or on the other hosts — so adding or removing a
/// host moves no other host, and going from N to N+1 shards moves only about 1/(N+1) of them.
/// The hash is 64-bit FNV-1a with a final avalanche (stable across machines and runs; Swift's
/// own `Hasher` is seeded per process). `K` counts from 1 (`$((JOB_COMPLETION_INDEX + 1))/N`).
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `K/N` with 1 ≤ K ≤ N; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard (1…N) that takes this host.
    public static func of(_ host: String, count: Int) -> Int {
        var best = 1, bestWeight: UInt64 = 0
        for shard in 1...max(count, 1) {
            let weight = mix(fnv1a(host + "\u{0}" + String(shard)))
            if shard == 1 || weight > bestWeight { best = shard; bestWeight = weight }
        }
        return best
    }

    public func contains(_ host: String) -> Bool { Self.of(host, count: count) == index }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// splitmix64's finalizer: spreads FNV's weak low bits over the whole word.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
