/* The floor: a minimal C client on the same libssh2 (TCP_NODELAY, blocking mode).
 * Usage: libssh2_reference PORT KEY USER RUNS
 * Prints median connect+kex+auth and median exec of `true` over one session. */
#include <arpa/inet.h>
#include <libssh2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

static const char *user = "root";

static LIBSSH2_SESSION *open_session(int port, const char *key, int *fd) {
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    sin.sin_addr.s_addr = inet_addr("127.0.0.1");
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(*fd, (struct sockaddr *)&sin, sizeof sin) != 0) { perror("connect"); exit(1); }
    LIBSSH2_SESSION *s = libssh2_session_init();
    if (libssh2_session_handshake(s, *fd)) { fprintf(stderr, "handshake failed\n"); exit(1); }
    if (libssh2_userauth_publickey_fromfile(s, user, NULL, key, NULL)) { fprintf(stderr, "auth failed\n"); exit(1); }
    return s;
}

int main(int argc, char **argv) {
    if (argc < 5) return 2;
    int port = atoi(argv[1]), runs = atoi(argv[4]), fd;
    const char *key = argv[2];
    user = argv[3];
    libssh2_init(0);
    double *c = calloc(runs, sizeof *c), *e = calloc(runs, sizeof *e);
    for (int i = 0; i < runs; i++) {
        double t = now();
        LIBSSH2_SESSION *s = open_session(port, key, &fd);
        c[i] = now() - t;
        libssh2_session_disconnect(s, "bye"); libssh2_session_free(s); close(fd);
    }
    LIBSSH2_SESSION *s = open_session(port, key, &fd);
    char buf[256];
    for (int i = 0; i < runs; i++) {
        double t = now();
        LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(s);
        libssh2_channel_exec(ch, "true");
        while (libssh2_channel_read(ch, buf, sizeof buf) > 0) {}
        libssh2_channel_close(ch); libssh2_channel_wait_closed(ch);
        libssh2_channel_free(ch);
        e[i] = now() - t;
    }
    qsort(c, runs, sizeof *c, cmp); qsort(e, runs, sizeof *e, cmp);
    printf("C libssh2 reference (same sshd, same key)\n  connect + kex + auth   median %7.2f ms\n  exec `true`            median %7.2f ms\n",
           c[runs / 2] * 1000, e[runs / 2] * 1000);
    return 0;
}
