import RampartDSL

// The lab: six Debian 12 servers on this machine, created by `rampart lab up` — the Swift
// twin of inventories/lab.yml (the test suite checks both compile to one catalog). The lab's
// secrets are in inventories/lab/group_vars/all/vault.yml, read as for the YAML inventory.

public let lb1 = Host("lb1", address: "10.231.77.10")
public let web1 = Host("web1", address: "10.231.77.11")
public let web2 = Host("web2", address: "10.231.77.12")
public let db1 = Host("db1", address: "10.231.77.21", vars: ["server_id": 1])
public let db2 = Host("db2", address: "10.231.77.22", vars: ["server_id": 2])
public let mon1 = Host("mon1", address: "10.231.77.30")

public let loadbalancers = Group("loadbalancers", hosts: [lb1])
public let webservers = Group("webservers", hosts: [web1, web2])
/// Which server takes writes: `rampart db promote` moves the hosts between these two groups.
public let dbPrimary = Group("db_primary", hosts: [db1])
public let dbReplicas = Group("db_replicas", hosts: [db2])
public let databases = Group("databases", children: [dbPrimary, dbReplicas])
public let monitoring = Group("monitoring", hosts: [mon1])
/// Hosts that get the public certificate by ACME: none in the lab.
public let acme = Group("acme", hosts: [])

public let lab = Inventory(
    "lab",
    // Rampart logs in as `deploy` (sudo for root); a fresh host has only root until the `ssh` role runs.
    connection: Connection(user: "deploy", key: "/var/lib/rampart-lab/id_ed25519", knownHosts: "/var/lib/rampart-lab/known_hosts",
                           hostKeyChecking: .strict, connectTimeout: 10, bootstrapUser: "root"),
    vars: [
        // Hosts reach Debian's mirror only through this proxy on the control node.
        "apt_proxy": "http://10.231.77.1:8888",
        "site_domain": "www.foobar.com",
        // SSH reaches the hosts only from here: the control node.
        "admin_network": "10.231.77.1/32",
        "scrape_interval": "5s",
    ],
    // Committed on purpose: the lab's secrets protect nothing real.
    vaultPasswordFile: "lab.vault-password",
    hosts: [lb1, web1, web2, db1, db2, mon1],
    groups: [loadbalancers, webservers, databases, monitoring, acme])
