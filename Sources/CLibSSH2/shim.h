// The only C surface Rampart uses. libssh2's convenience API is made of
// function-like macros, which Swift cannot import; these inline wrappers give
// Swift the same calls with explicit byte counts.
#ifndef RAMPART_CLIBSSH2_SHIM_H
#define RAMPART_CLIBSSH2_SHIM_H

#include <libssh2.h>
#include <string.h>

static inline LIBSSH2_SESSION *rampart_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline LIBSSH2_CHANNEL *rampart_channel_open_session(LIBSSH2_SESSION *s) {
    return libssh2_channel_open_ex(s, "session", sizeof("session") - 1,
                                   LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                   LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline int rampart_channel_exec(LIBSSH2_CHANNEL *c, const char *command, unsigned int length) {
    return libssh2_channel_process_startup(c, "exec", sizeof("exec") - 1, command, length);
}

static inline ssize_t rampart_channel_read(LIBSSH2_CHANNEL *c, int stream, char *buffer, size_t length) {
    return libssh2_channel_read_ex(c, stream, buffer, length);
}

static inline ssize_t rampart_channel_write(LIBSSH2_CHANNEL *c, const char *buffer, size_t length) {
    return libssh2_channel_write_ex(c, 0, buffer, length);
}

/// A direct-tcpip channel: the server connects to host:port for us (a jump host's job).
static inline LIBSSH2_CHANNEL *rampart_channel_direct_tcpip(LIBSSH2_SESSION *s, const char *host, int port) {
    return libssh2_channel_direct_tcpip_ex(s, host, port, "127.0.0.1", 0);
}

static inline int rampart_session_disconnect(LIBSSH2_SESSION *s, const char *reason) {
    return libssh2_session_disconnect_ex(s, SSH_DISCONNECT_BY_APPLICATION, reason, "");
}

static inline int rampart_userauth_publickey_fromfile(LIBSSH2_SESSION *s, const char *user, unsigned int userLength,
                                                      const char *publicKey, const char *privateKey,
                                                      const char *passphrase) {
    return libssh2_userauth_publickey_fromfile_ex(s, user, userLength, publicKey, privateKey, passphrase);
}

static inline int rampart_knownhost_readfile(LIBSSH2_KNOWNHOSTS *h, const char *path) {
    return libssh2_knownhost_readfile(h, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

/// Copies the session's last error message into `buffer` (always NUL-terminated) and returns the code.
static inline int rampart_last_error(LIBSSH2_SESSION *s, char *buffer, size_t length) {
    char *message = NULL;
    int messageLength = 0;
    int code = libssh2_session_last_error(s, &message, &messageLength, 0);
    if (length == 0) return code;
    size_t n = 0;
    if (message != NULL && messageLength > 0) {
        n = (size_t)messageLength < length - 1 ? (size_t)messageLength : length - 1;
        memcpy(buffer, message, n);
    }
    buffer[n] = 0;
    return code;
}

#endif
