"""W2: 2 groups, 3 users, 10 directories (owner/group/mode), 20 templated files
(owner/group/mode). Template paths are relative to pyinfra's working directory (this one's parent)."""

from pyinfra.operations import files, server

server.group(name="Group benchops", group="benchops", gid=3001)
server.group(name="Group benchapp", group="benchapp", system=True)

for user, uid in [("bench1", 3101), ("bench2", 3102), ("bench3", 3103)]:
    server.user(
        name=f"User {user}",
        user=user,
        uid=uid,
        group="benchops",
        shell="/bin/bash",
        create_home=True,  # useradd -m, as Rampart and Ansible's user module do
    )

files.directory(name="Directory /etc/bench", path="/etc/bench")

for i in range(1, 10):
    files.directory(
        name=f"Directory /srv/bench/d{i:02d}",
        path=f"/srv/bench/d{i:02d}",
        user="bench1",
        group="benchops",
        mode="0750",
    )

for i in range(1, 21):
    files.template(
        name=f"File /etc/bench/conf-{i:02d}.conf",
        src="templates/conf.j2",
        dest=f"/etc/bench/conf-{i:02d}.conf",
        user="root",
        group="benchops",
        mode="0640",
    )
