import CLibSSH2
import Foundation
import RampartRemote

/// Process-wide libssh2 initialisation (libssh2_init is not thread-safe; run it once).
enum LibSSH2 {
    private static let initialised: Bool = {
        libssh2_init(0) == 0
    }()

    static func ensureInitialised() { _ = initialised }

    /// The single mapping from a libssh2 return code to a `RemoteError`.
    /// The session's last error text is copied at once, before another call can overwrite it.
    static func error(_ session: OpaquePointer?, code: Int32, host: String, while doing: String) -> RemoteError {
        var text = ""
        if let session {
            var buffer = [CChar](repeating: 0, count: 512)
            _ = rampart_last_error(session, &buffer, buffer.count)
            text = cText(buffer)
        }
        let detail = text.isEmpty ? "libssh2 error \(code)" : "\(text) (libssh2 error \(code))"
        let kind: RemoteError.Kind
        switch code {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND,
             LIBSSH2_ERROR_SOCKET_NONE:
            kind = .connectionLost
        case LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_SOCKET_TIMEOUT:
            kind = .commandTimeout
        case LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_METHOD_NONE, LIBSSH2_ERROR_METHOD_NOT_SUPPORTED,
             LIBSSH2_ERROR_HOSTKEY_INIT, LIBSSH2_ERROR_HOSTKEY_SIGN:
            kind = .handshakeFailed
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED, LIBSSH2_ERROR_FILE:
            kind = .authenticationFailed
        default:
            kind = .protocolError
        }
        return RemoteError(kind, host: host, "\(doing) failed: \(detail)")
    }
}

/// A NUL-terminated C buffer as Swift text (invalid UTF-8 repaired).
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
