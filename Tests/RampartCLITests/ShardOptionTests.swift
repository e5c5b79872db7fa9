import ArgumentParser
@testable import RampartCLI
import RampartModel
import Testing

/// `--shard K/N` on plan and apply: the workers' limits cover the selection exactly once.
struct ShardOptionTests {
    static let inventory = Inventory(hosts: (1...30).map { Host("web\($0)", address: "10.0.1.\($0)") } + [Host("db1", address: "10.0.2.1")],
                                     groups: [Group("webservers", hosts: (1...30).map { "web\($0)" })])

    @Test func threeWorkersTakeTheSelectionExactlyOnce() throws {
        var taken: [String] = []
        for k in 1...3 {
            let option = try ShardOption.parse(["--shard", "\(k)/3"])
            let selection = option.limit("webservers", inventory: Self.inventory)
            #expect(!selection.empty)
            taken += (selection.limit ?? "").split(separator: ",").map(String.init)
        }
        #expect(taken.sorted() == (1...30).map { "web\($0)" }.sorted(), "each selected host once, db1 (not selected) never")
    }

    @Test func withoutShardTheLimitIsUnchanged() throws {
        let option = try ShardOption.parse([])
        #expect(option.limit("web*", inventory: Self.inventory).limit == "web*")
    }

    @Test func anEmptyShardIsNothingToDoAndABadOneIsRefused() throws {
        let many = try ShardOption.parse(["--shard", "7/40"])
        let one = Inventory(hosts: [Host("only", address: "10.0.0.1")])
        let shards = (1...40).filter { Shard(index: $0, count: 40).contains("only") }
        #expect(shards.count == 1)
        if shards != [7] { #expect(many.limit(nil, inventory: one).empty) }
        #expect(throws: (any Error).self) { try ShardOption.parse(["--shard", "5/4"]) }
        #expect(throws: (any Error).self) { try ShardOption.parse(["--shard", "two"]) }
    }
}
