import Foundation
import RampartModel

/// What lets a plan skip the content of a file Rampart edits but does not own whole: after an
/// apply leaves such a file as the catalog's edits make it, the host keeps a marker
/// (`HostPaths.editMarker`) holding the hash of those edits and the hash of the file; while both
/// still hold, the probe says so instead of sending the content (a no-op stays one small exec).
/// A file edited by hand, by a package, or by changed edits is fetched again.
public enum EditMarkers {
    /// For each file the catalog edits: the hash of its edits, in catalog order. Left out: files
    /// an edit with a secret touches (a secret is not in its encoding, so the hash would not see
    /// it change) and files an edit with a `when:` over facts touches, or one rendered from facts
    /// (facts may change the edit without the catalog changing: the probe's catalog may have been
    /// compiled with other facts than the plan's).
    public static func specs(_ catalog: HostCatalog) -> [String: String] {
        var encoded: [String: [Data]] = [:], excluded: Set<String> = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let factDependent = Set(catalog.factDependent)
        for resource in catalog.resources {
            guard let (path, sensitive) = resource.spec.editedFile else { continue }
            if sensitive || resource.when != nil || factDependent.contains(resource.id) { excluded.insert(path); continue }
            guard let data = try? encoder.encode(resource.spec) else { excluded.insert(path); continue }
            encoded[path, default: []].append(data)
        }
        var result: [String: String] = [:]
        for (path, parts) in encoded where !excluded.contains(path) {
            result[path] = sha256Hex(Array(parts.joined(separator: Data([0x0a]))))
        }
        return result
    }
}

/// A marker to write after a complete apply: `path` was left with content `sha256` by the edits
/// whose hash is `spec`. Written only if the file still has that hash then.
public struct EditMarker: Sendable, Hashable, Codable {
    public var path: String
    public var spec: String
    public var sha256: String
    public init(path: String, spec: String, sha256: String) {
        self.path = path
        self.spec = spec
        self.sha256 = sha256
    }

    /// The marker's one line.
    public var line: String { "\(spec) \(sha256)" }
}
