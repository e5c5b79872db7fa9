import Crypto
import Foundation
import RampartFacts
import RampartModel

/// The facts each host's templates last saw, kept on the control node
/// (`$XDG_CACHE_HOME/rampart/facts/<inventory>/<host>.json`): a catalog that reads facts is
/// compiled with them first, so a host whose facts did not change costs one round trip, not
/// two. Only a hint: a missing or stale entry costs a compile (and perhaps an exec) again.
public struct TemplateFactsCache: Sendable {
    public let directory: String

    /// The cache of one inventory (by its absolute path: two inventories may name hosts alike).
    public init(inventoryPath: String, root: String = TemplateFactsCache.defaultRoot) {
        let absolute = inventoryPath.hasPrefix("/") ? inventoryPath : FileManager.default.currentDirectoryPath + "/" + inventoryPath
        let key = SHA256.hash(data: Data(absolute.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        directory = root + "/" + key
    }

    /// `$XDG_CACHE_HOME/rampart/facts`, else `~/.cache/rampart/facts`.
    public static var defaultRoot: String { DownloadCache.cacheRoot + "/facts" }

    public func facts(of host: String) -> TemplateFacts? {
        guard let data = FileManager.default.contents(atPath: path(host)) else { return nil }
        return try? JSONDecoder().decode(TemplateFacts.self, from: data)
    }

    public func store(_ facts: TemplateFacts, of host: String) {
        guard facts != self.facts(of: host), let data = try? JSONEncoder().encode(facts) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Written whole, then renamed: a reader never sees half a file.
        let temporary = path(host) + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, path(host)) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// Every host's entry, by host name (one directory listing; nothing when there is none).
    public func all() -> [String: TemplateFacts] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [:] }
        var result: [String: TemplateFacts] = [:]
        for name in names where name.hasSuffix(".json") {
            let host = String(name.dropLast(5))
            result[host] = facts(of: host)
        }
        return result
    }

    private func path(_ host: String) -> String { directory + "/" + host + ".json" }
}
