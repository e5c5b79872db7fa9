"""pyinfra inventory for the side-by-side benchmark, built from the environment.

BENCH_HOSTS   "name=addr,name=addr,…" (required): the hosts, reached as root over SSH.
BENCH_GROUPS  "group=name:name;group=name" (optional): which groups each host is in, as in the
              Ansible hosts.ini and the Rampart inventory of the same run; "group=*" puts
              every host in that group (bench/fanout: "fanout=*"). Membership is flat: list a
              host in each group it belongs to, parents included. Default: "bench=*".
BENCH_SSH_KEY, BENCH_KNOWN_HOSTS (optional): default to the lab's key and known_hosts
              (bench/fanout: /var/lib/rampart-fanout/id_ed25519 and …/known_hosts).

Strict host key checking stays on: an unknown or changed host key fails the connection.
Each host's data also carries `bench_groups` (its groups, sorted), which the W2 template prints:
pyinfra's own host.groups also holds the group named after this file ("inventory").
"""

import os

_key = os.environ.get("BENCH_SSH_KEY", "/var/lib/rampart-lab/id_ed25519")
_known_hosts = os.environ.get("BENCH_KNOWN_HOSTS", "/var/lib/rampart-lab/known_hosts")


def _pairs(text, separator, what):
    result = []
    for item in filter(None, (part.strip() for part in text.split(separator))):
        name, equals, value = item.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise ValueError(f"{what}: expected NAME=VALUE, got {item!r}")
        result.append((name.strip(), value.strip()))
    return result


_hosts = _pairs(os.environ.get("BENCH_HOSTS", ""), ",", "BENCH_HOSTS")
if not _hosts:
    raise ValueError("BENCH_HOSTS is empty: set it to name=addr,name=addr,…")
_names = [name for name, _ in _hosts]
if len(set(_names)) != len(_names):
    raise ValueError("BENCH_HOSTS names a host twice")

_groups = {
    group: list(_names) if members == "*" else [name for name in members.split(":") if name]
    for group, members in _pairs(os.environ.get("BENCH_GROUPS") or "bench=*", ";", "BENCH_GROUPS")
}
for _group, _members in _groups.items():
    for _name in _members:
        if _name not in _names:
            raise ValueError(f"BENCH_GROUPS: group {_group} lists {_name}, which is not in BENCH_HOSTS")

# Every host with its connection data; `all` is pyinfra's group of every host.
all = [
    (
        name,
        {
            "ssh_hostname": address,
            "ssh_user": "root",
            "ssh_key": _key,
            "ssh_known_hosts_file": _known_hosts,
            "ssh_strict_host_key_checking": "yes",
            # Only the key above, as Ansible's private_key_file: no agent, no ~/.ssh keys.
            "ssh_allow_agent": False,
            "ssh_look_for_keys": False,
            "bench_groups": sorted(g for g, members in _groups.items() if name in members),
        },
    )
    for name, address in _hosts
]

# One module-level list per group: that is how a pyinfra inventory file declares groups.
globals().update(_groups)
