import RampartDSL

private let opsGroup = UnixGroup("ops", system: true)
private let cronPackage = Package("cron")
private let rampartFolder = Directory("/etc/rampart", mode: "0755")

/// Baseline for every server — admin tools, an ops account, kernel settings, a banner.
let common = Role("common", summary: "Baseline for every server — admin tools, an ops account, kernel settings, a banner.",
                  defaults: ["ops_user": "ops", "somaxconn": 4096, "motd_banner": "managed by Rampart"]) {
    Package("curl")
    Package("less")
    cronPackage
    opsGroup
    User("{{ ops_user }}", group: "ops", home: "/home/{{ ops_user }}", shell: "/bin/bash").requires(opsGroup)
    rampartFolder
    File("/etc/rampart/host.json", .text("{{ host|to_json }}\n"), mode: "0644")
    File("/etc/motd", .template("common/motd.j2"), mode: "0644")
    Symlink("/etc/rampart/motd", target: "/etc/motd")
    Sysctl("net.core.somaxconn", value: "{{ somaxconn }}")
    Service("cron", enabled: true).requires(cronPackage)
    Command("record first apply", run: "date -u +%Y-%m-%dT%H:%M:%SZ > /etc/rampart/first-apply",
            .creates("/etc/rampart/first-apply")).requires(rampartFolder)
}
