import Foundation

/// One series of a Prometheus HTTP API answer (`/query` or `/query_range`).
public struct PrometheusSeries: Sendable {
    public var labels: [String: String]
    /// One value for an instant query; oldest first for a range.
    public var values: [Double]
    public var value: Double { values.last ?? .nan }

    /// The series of an answer; nil when it is JSON but not a Prometheus result, throws when it
    /// is not JSON.
    public static func parse(_ data: Data) throws -> [PrometheusSeries]? {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]] else { return nil }
        return result.map { item in
            let pairs = item["values"] as? [[Any]] ?? (item["value"] as? [Any]).map { [$0] } ?? []
            return PrometheusSeries(labels: item["metric"] as? [String: String] ?? [:],
                                    values: pairs.compactMap { ($0.last as? String).flatMap(Double.init) })
        }
    }
}
