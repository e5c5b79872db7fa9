import Foundation
import RampartBasics

/// A model value as JSON with sorted keys and without where its parts were declared
/// (`Provenance.omittedInEncoding`): equal values give equal bytes, whether written in Swift
/// or loaded from YAML. Secrets encode as `(sensitive)`, as everywhere.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        encoder.userInfo[Provenance.omittedInEncoding] = true
        return try encoder.encode(value)
    }
}
