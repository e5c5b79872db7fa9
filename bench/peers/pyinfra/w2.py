"""W2: the 50 resources of Rampart's bench/workloads/w2/playbooks/roles/w2-base.yml + w2-services.yml, one for one:
5 packages, 2 groups, 3 users, 10 directories, 20 templated files, 5 services, 5 sysctls.
W3 is this deploy re-run after one file was changed by hand. Run from this directory."""

from pyinfra import local

local.include("tasks/w2_packages.py")
local.include("tasks/w2_files.py")
local.include("tasks/w2_services.py")
local.include("tasks/w2_sysctls.py")
