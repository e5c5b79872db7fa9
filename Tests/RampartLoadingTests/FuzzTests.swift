import Foundation
import RampartBasics
import RampartLoading
import RampartTestSupport
import Testing

/// Mutations that stress a YAML or template parser: syntax characters, deletions, duplicated,
/// swapped and re-indented lines, stray unicode.
enum Mutator {
    static let alphabet: [Character] = [":", "-", "{", "}", "[", "]", "\n", " ", "#", "&", "*", "!", "|", ">", "'", "\"",
                                        "%", "@", "`", "\t", "?", ",", "0", "a", "é", "\u{0}", "\u{FEFF}", "{{", "}}", "{%", "%}"]
        .flatMap { Array($0) }

    static func mutate(_ text: String, _ rng: inout SplitMix64, rounds: Int = 3) -> String {
        var chars = Array(text)
        for _ in 0..<Int.random(in: 1...rounds, using: &rng) {
            guard !chars.isEmpty else { chars = Array("a"); continue }
            let i = Int.random(in: 0..<chars.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: chars[i] = alphabet.randomElement(using: &rng)!
            case 1: chars.insert(alphabet.randomElement(using: &rng)!, at: i)
            case 2: chars.removeSubrange(i..<min(chars.count, i + Int.random(in: 1...20, using: &rng)))
            case 3, 4, 5:
                var lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let a = Int.random(in: 0..<lines.count, using: &rng), b = Int.random(in: 0..<lines.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: lines.insert(lines[a], at: b)
                case 1: lines.swapAt(a, b)
                default: lines[a] = (Bool.random(using: &rng) ? "  " : "") + String(lines[a].dropFirst(Bool.random(using: &rng) ? 2 : 0))
                }
                chars = Array(lines.joined(separator: "\n"))
            default: chars.insert(contentsOf: "{{ x }}{% for a in b %}", at: i)
            }
        }
        return String(chars)
    }
}

struct InventoryFuzzTests {
    static let seeds: [URL] = {
        let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return [root.appendingPathComponent("inventories/lab.yml"), fixtures.appendingPathComponent("valid/precedence.yml"),
                fixtures.appendingPathComponent("valid/vars/inventory.yml")]
            + ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("invalid").path)) ?? [])
            .filter { $0.hasSuffix(".yml") }.sorted().map { fixtures.appendingPathComponent("invalid/\($0)") }
    }()

    /// 100,000 mutated inventories: each either loads or fails with located diagnostics — never a
    /// crash, a hang, or another kind of error.
    @Test func hundredThousandMutatedInventories() throws {
        let texts = try Self.seeds.map { try String(contentsOf: $0, encoding: .utf8) }
        let loader = InventoryLoader(environment: ["RAMPART_TEST_TOKEN": "x"])
        var rng = SplitMix64(state: 20261123)
        var loaded = 0, rejected = 0
        for index in 0..<100_000 {
            let seed = index % texts.count
            let text = Mutator.mutate(texts[seed], &rng)
            do {
                _ = try loader.load(text: text, path: "/nonexistent/fuzz/inventory.yml")
                loaded += 1
            } catch let error as DiagnosticError {
                rejected += 1
                guard !error.diagnostics.isEmpty, error.diagnostics.allSatisfy({ $0.location != nil && !$0.message.isEmpty }) else {
                    Issue.record("input \(index) (seed \(seed)): diagnostics without location or message: \(error)")
                    return
                }
            } catch {
                Issue.record("input \(index) (seed \(seed)): \(type(of: error)) instead of a diagnostic: \(error)")
                return
            }
        }
        #expect(loaded + rejected == 100_000)
        // Both outcomes must occur, or the mutations are not exercising the loader.
        #expect(loaded > 1_000 && rejected > 1_000)
    }
}
