import RampartDSL

private let certsFolder = Directory("/etc/haproxy/certs", owner: "root", group: "haproxy", mode: "0750")
private let siteCertificate = Certificate("www", commonName: "{{ site_domain }}", altNames: ["{{ site_domain }}"],
                                          cert: "/etc/haproxy/certs/internal.crt", key: "/etc/haproxy/certs/internal.key",
                                          ca: "/etc/haproxy/rampart-ca.crt", bundle: "/etc/haproxy/certs/internal.pem", group: "haproxy")
    .requires(certsFolder)
private let haproxyConfig = File("/etc/haproxy/haproxy.cfg", .template("lb/haproxy.cfg.j2"), validate: "haproxy -c -f %s")

/// HAProxy terminating HTTPS and re-encrypting to the web servers, verified against the internal CA.
let lb = Role("lb", summary: "HAProxy terminating HTTPS for the site and re-encrypting to the web servers, verified against the internal CA.",
              defaults: ["site_domain": "www.foobar.com", "backend_group": .string(webservers.name), "metrics_port": 8405, "acme_port": 8402,
                         // With ACME (role `acme`) set tls_bundle to /etc/haproxy/certs/acme.pem, which certbot then owns.
                         "tls_bundle": "/etc/haproxy/certs/internal.pem"]) {
    FirewallRule("web from anywhere", ports: [80, 443])
    FirewallRule("haproxy metrics from monitoring", port: 8405, from: [.group(monitoring)])
    Package("haproxy")
    Package("socat")
    certsFolder
    siteCertificate
    // Until ACME issues the public certificate, HAProxy starts with the internal one, copied once on the host.
    File("{{ tls_bundle }}", .copy(from: "/etc/haproxy/certs/internal.pem"), replace: false)
        .requires(siteCertificate)
        .when("tls_bundle != '/etc/haproxy/certs/internal.pem'")
    haproxyConfig
    Service("haproxy", refresh: .reload).subscribes(haproxyConfig, siteCertificate)
}
