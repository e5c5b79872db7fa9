import Foundation
import RampartBasics

/// The plan file: JSON of the `Plan` (secrets are only hashes there).
public enum PlanFile {
    public static func encode(_ plan: Plan) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(plan)
    }

    public static func decode(path: String) throws -> Plan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.error("cannot read the plan file \(path)"))
        }
        do {
            let plan = try JSONDecoder().decode(Plan.self, from: data)
            guard plan.version == Plan.formatVersion else {
                throw DiagnosticError(.error("\(path) is a plan of format \(plan.version); this Rampart reads format \(Plan.formatVersion)",
                                             hint: "make the plan again with this version"))
            }
            return plan
        } catch let error as DiagnosticError { throw error } catch {
            throw DiagnosticError(.error("\(path) is not a Rampart plan file: \(error)", hint: "make one with `rampart plan … --out FILE`"))
        }
    }
}
