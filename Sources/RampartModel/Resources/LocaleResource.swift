/// A locale generated on the host (`locale-gen`, from Debian's `locales` package) and, with
/// `default`, the system's LANG in /etc/default/locale.
public struct LocaleResource: ResourceDescription {
    public static let kind = ResourceKind.locale
    /// `en_US.UTF-8`, `de_DE.UTF-8` (LANGUAGE_TERRITORY.CHARSET).
    public var name: String
    public var isDefault: Bool
    public init(_ name: String, isDefault: Bool = false) {
        self.name = name
        self.isDefault = isDefault
    }

    /// As glibc lists it (`locale -a`): the charset lower-cased without dashes, `en_US.utf8`.
    public var normalized: String { Self.normalized(name) }
    public static func normalized(_ name: String) -> String {
        guard let dot = name.firstIndex(of: ".") else { return name }
        let rest = name[name.index(after: dot)...]
        let at = rest.firstIndex(of: "@")
        let charset = rest[..<(at ?? rest.endIndex)].lowercased().filter { $0 != "-" }
        return name[..<dot] + "." + charset + (at.map { String(rest[$0...]) } ?? "")
    }
    /// The line /etc/locale.gen holds for it: `en_US.UTF-8 UTF-8`.
    public var localeGenLine: String {
        let charset = name.split(separator: ".").dropFirst().first.map { String($0.prefix { $0 != "@" }) } ?? "ISO-8859-1"
        return "\(name) \(charset)"
    }
    /// Why `name` is not a locale name (nil when it is one).
    public static func problem(with name: String) -> String? {
        if name.hasPrefix("C.") { return nil }  // C.UTF-8: glibc's own, always there
        let base = name.prefix { $0 != "." && $0 != "@" }
        let parts = base.split(separator: "_")
        guard parts.count == 2, parts[0].allSatisfy(\.isLowercase), parts[1].allSatisfy(\.isUppercase), name.contains(".") else {
            return "'\(name)' is not a locale name like en_US.UTF-8"
        }
        return nil
    }
}
