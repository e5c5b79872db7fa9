"""W2, 5 kernel parameters, persisted the way Rampart does it (SysctlPlanner): one file per
key, /etc/sysctl.d/60-rampart-KEY.conf holding "KEY = VALUE\n" (server.sysctl writes exactly
that line), and the running value set with sysctl when it differs."""

from pyinfra.operations import server

SYSCTLS = {
    "net.core.somaxconn": 1024,
    "net.ipv4.tcp_fin_timeout": 30,
    "net.ipv4.tcp_keepalive_time": 600,
    "net.ipv4.tcp_max_syn_backlog": 2048,
    "net.ipv4.tcp_syncookies": 1,
}

for key, value in SYSCTLS.items():
    server.sysctl(
        name=f"Sysctl {key}",
        key=key,
        value=value,
        persist=True,
        persist_file=f"/etc/sysctl.d/60-rampart-{key}.conf",
    )
