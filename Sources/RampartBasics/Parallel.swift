/// Bounded parallel work over a list, results in the list's order.
public enum Parallel {
    /// `body` for every item, at most `width` at once (at least one); the results in `items`' order.
    public static func map<Item: Sendable, T: Sendable>(_ items: [Item], width: Int,
                                                       _ body: @escaping @Sendable (Item) async -> T) async -> [T] {
        await withTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: items.count)
            var next = 0
            func startNext() {
                let index = next
                group.addTask { (index, await body(items[index])) }
                next += 1
            }
            while next < min(max(1, width), items.count) { startNext() }
            for await (index, value) in group {
                results[index] = value
                if next < items.count { startNext() }
            }
            return results.map { $0! }
        }
    }
}
