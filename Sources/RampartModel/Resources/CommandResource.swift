/// The escape hatch: a shell command run only when its guard says it is needed.
public struct CommandResource: ResourceDescription {
    public static let kind = ResourceKind.command

    /// A label naming what the command achieves.
    public var name: String
    public var run: String
    /// Skip when this path exists.
    public var creates: String?
    /// Skip when this command exits 0.
    public var unless: String?
    /// Run only when a subscribed resource changed (a handler).
    public var onChangeOnly: Bool

    public init(_ name: String, run: String, creates: String? = nil, unless: String? = nil, onChangeOnly: Bool = false) {
        self.name = name
        self.run = run
        self.creates = creates
        self.unless = unless
        self.onChangeOnly = onChangeOnly
    }
}
