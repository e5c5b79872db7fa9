"""W2, 5 packages: one apt operation for the list (Rampart, too, installs adjacent packages in
one apt-get run)."""

from pyinfra.operations import apt

apt.packages(
    name="Packages",
    packages=["cron", "rsyslog", "curl", "less", "logrotate"],
    update=True,
    cache_time=86400,  # Rampart runs apt-get update only when the lists are older than a day
)
