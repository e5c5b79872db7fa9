import RampartBasics

/// The jump hosts a connection passes through, built as OpenSSH builds them: for `ProxyJump a,b`
/// the target is reached through b, b through a, and a by *its own* configuration (its ProxyJump
/// applies, b's does not — ssh runs `ssh -W` to b over a connection made with a's settings).
public enum JumpRoute {
    /// One host's own jump chain and where it was set, or nil for a direct connection.
    public typealias Lookup = (String) throws -> (chain: [JumpSpec], origin: SourceLocation?)?

    /// Every hop before `name`, first hop first; a loop (a through b through a) is an error naming it.
    public static func hops(to name: String, lookup: Lookup) throws -> [JumpSpec] {
        try hops(to: name, lookup: lookup, visiting: [name])
    }

    private static func hops(to name: String, lookup: Lookup, visiting: [String]) throws -> [JumpSpec] {
        guard let (chain, origin) = try lookup(name), let first = chain.first else { return [] }
        if let repeated = chain.first(where: { visiting.contains($0.host) }) {
            throw SSHConfigError("ProxyJump loop: \((visiting + [repeated.host]).joined(separator: " → "))", at: origin,
                                 hint: "a jump host cannot be reached through itself; set `ProxyJump none` for the first hop")
        }
        return try hops(to: first.host, lookup: lookup, visiting: visiting + [first.host]) + chain
    }
}
