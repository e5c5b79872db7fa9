"""pyinfra settings, read from the working directory (run pyinfra from here).

PARALLEL: hosts worked on at once. pyinfra's default is min(20 x CPU cores, hosts), i.e. 40 on
the bench machine's 2 cores; 250 mirrors Ansible's forks = 250 (../ansible/ansible.cfg), so
both tools may contact every host of a fan-out run at once. `--parallel N` overrides it.
"""

from pyinfra import config

config.PARALLEL = 250
