"""W2 for light hosts (W4: sshd-only hosts without systemd, bench/fanout): W2 without its 5
services, so 45 resources, from the same task files as w2.py. Run from this directory."""

from pyinfra import local

local.include("tasks/w2_packages.py")
local.include("tasks/w2_files.py")
local.include("tasks/w2_sysctls.py")
