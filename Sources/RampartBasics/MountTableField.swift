/// A field of fstab(5) and /proc/self/mounts, whose space, tab, newline and backslash are
/// written as `\ooo` octal (`/srv/data\040files`). Shared by the mount kind, its probe and the
/// lab's own unmounting.
public enum MountTableField {
    public static func escaped(_ field: String) -> String {
        var result = ""
        for character in field {
            switch character {
            case " ": result += "\\040"
            case "\t": result += "\\011"
            case "\n": result += "\\012"
            case "\\": result += "\\134"
            default: result.append(character)
            }
        }
        return result
    }

    /// The field with its octal escapes decoded (a backslash not followed by three octal digits stays).
    public static func unescaped<S: StringProtocol>(_ field: S) -> String {
        guard field.contains("\\") else { return String(field) }
        let raw = Array(field.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\\"), index + 4 <= raw.count,
               let value = UInt8(String(decoding: raw[(index + 1)..<(index + 4)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
