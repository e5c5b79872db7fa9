import Crypto

/// Hex SHA-256, as `sha256sum` prints it.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    // By hand: String(format:) per byte was a sixth of a large plan's CPU time.
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: bytes) {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
}
