import RampartDSL

// The reference deployment for www.foobar.com — the Swift twin of playbooks/site.yml: TLS from
// the client to the load balancer and from it to each web server, MariaDB primary and replica,
// nftables and a node exporter everywhere, Prometheus on the monitoring host.

let base = Play("base", hosts: Group.all, roles: [common, ssh, firewall, nodeExporter])
let databasesPlay = Play("databases", hosts: databases, roles: [mariadb])
let dbPrimaryPlay = Play("db-primary", hosts: dbPrimary, roles: [mariadbPrimary])
let dbReplicaPlay = Play("db-replica", hosts: dbReplicas, roles: [mariadbReplica], after: [dbPrimaryPlay])
/// Rolled one at a time: drained in HAProxy through its admin socket, re-enabled after.
let webPlay = Play("web", hosts: webservers, roles: [web], serial: 1,
                   beforeEach: RollingHook(on: .first(of: loadbalancers), run: haproxyAdmin("disable")),
                   afterEach: RollingHook(on: .first(of: loadbalancers), run: haproxyAdmin("enable")))
let lbPlay = Play("lb", hosts: loadbalancers, roles: [lb], after: [webPlay])
let monitoringPlay = Play("monitoring", hosts: monitoring, roles: [prometheus])
let acmePlay = Play("acme", hosts: acme, roles: [acmeRole], after: [webPlay])

func haproxyAdmin(_ verb: String) -> String {
    "if [ -S /run/haproxy/admin.sock ]; then echo '\(verb) server web/{{ inventory_hostname }}' | socat stdio /run/haproxy/admin.sock; fi"
}

/// The site on the lab inventory.
public let foobar = Site("site", inventory: lab) {
    base
    databasesPlay
    dbPrimaryPlay
    dbReplicaPlay
    webPlay
    lbPlay
    monitoringPlay
    acmePlay
}
