/// Finding a cycle in a small directed graph (plays, roles, groups, resources).
public enum Cycles {
    /// The first cycle found, as its nodes with the first repeated at the end; nil when acyclic.
    public static func first<Node: Hashable>(in nodes: [Node], edges: (Node) -> [Node]) -> [Node]? {
        var state: [Node: Int] = [:]   // 1 on the current path, 2 finished
        var path: [Node] = []
        func visit(_ node: Node) -> [Node]? {
            if state[node] == 2 { return nil }
            if state[node] == 1 {
                return Array(path.drop { $0 != node }) + [node]
            }
            state[node] = 1
            path.append(node)
            for next in edges(node) { if let cycle = visit(next) { return cycle } }
            path.removeLast()
            state[node] = 2
            return nil
        }
        for node in nodes { if let cycle = visit(node) { return cycle } }
        return nil
    }
}
