"""W1: the 4-operation deploy of published tool comparisons — a package, a user, a file with
fixed content, a file copied from the control node. Run from this directory (paths are
relative to pyinfra's working directory)."""

from io import StringIO

from pyinfra.operations import apt, files, server

apt.packages(
    name="Install tree",
    packages=["tree"],
    update=True,
    cache_time=86400,  # refresh the lists only when older than a day (as Rampart)
)

server.user(
    name="Create user w1user",
    user="w1user",
    create_home=True,  # useradd -m, as Ansible's user module and Rampart do
)

# files.put creates the missing /etc/w1 itself (create_remote_dir=True by default).
files.put(
    name="Write /etc/w1/hello.txt",
    src=StringIO("hello from the W1 benchmark\n"),
    dest="/etc/w1/hello.txt",
)

files.put(
    name="Copy /etc/w1/copied.txt",
    src="../files/w1-copy.txt",
    dest="/etc/w1/copied.txt",
)
