import Foundation

/// Text as the inside of a JSON string: quotes, backslashes and every control character
/// escaped — DEL and the C1 controls too, so the same text is also a valid YAML
/// double-quoted scalar (YAML does not allow them raw).
public enum JSONString {
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
