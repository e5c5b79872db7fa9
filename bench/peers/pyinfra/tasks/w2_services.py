"""W2, 5 services: running, and enabled at boot except systemd-journald, whose boot setting
Rampart's W2 leaves alone (`enabled: null`: it is a static unit)."""

from pyinfra.operations import systemd

for service in ["ssh", "systemd-networkd", "cron", "rsyslog"]:
    systemd.service(name=f"Service {service}", service=service, running=True, enabled=True)

systemd.service(name="Service systemd-journald", service="systemd-journald", running=True)
