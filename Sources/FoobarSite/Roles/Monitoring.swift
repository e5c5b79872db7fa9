import RampartDSL

private let rules = File("/etc/prometheus/rampart.rules.yml", .template("monitoring/rules.yml.j2"), validate: "promtool check rules %s")
/// The whole configuration, with the rules file it names, in place.
private let prometheusConfig = File("/etc/prometheus/prometheus.yml", .template("monitoring/prometheus.yml.j2"),
                                    validate: "promtool check config /etc/prometheus/prometheus.yml")

/// Prometheus scraping every exporter of the site, rules checked by promtool before a reload.
let prometheus = Role("prometheus", summary: "Prometheus on the monitoring host (Debian's package) scraping every exporter of the site — node on all hosts, nginx on the web servers, HAProxy's own on the load balancer, mysqld on the database servers — with recording rules for web QPS and alert rules, both checked by promtool before a reload.",
                      defaults: ["scrape_interval": "15s", "qps_spike_factor": 3, "qps_spike_floor": 20]) {
    FirewallRule("prometheus from monitoring", port: 9090, from: [.group(monitoring)])
    Package("prometheus")
    rules
    prometheusConfig
    Service("prometheus", refresh: .reload).subscribes(prometheusConfig, rules)
}

private let certbot = Package("certbot")
private let deployHook = File("/etc/letsencrypt/renewal-hooks/deploy/50-haproxy", .text("""
    #!/bin/sh
    # Managed by Rampart: hand a new certificate to HAProxy (certbot runs this after each issue/renewal).
    set -e
    live=/etc/letsencrypt/live/{{ site_domain }}
    umask 077
    cat "$live/fullchain.pem" "$live/privkey.pem" > {{ tls_bundle }}.tmp
    chgrp haproxy {{ tls_bundle }}.tmp && chmod 0640 {{ tls_bundle }}.tmp
    mv -f {{ tls_bundle }}.tmp {{ tls_bundle }}
    systemctl reload haproxy

    """), mode: "0755").requires(certbot)

/// The public certificate from an ACME CA — HTTP-01 answered through HAProxy, renewed by certbot's timer.
let acmeRole = Role("acme", summary: "The public certificate from an ACME CA (Let's Encrypt in production, pebble in the lab) — HTTP-01 answered through HAProxy, renewed by certbot's timer.",
                    defaults: ["site_domain": "www.foobar.com", "acme_port": 8402,
                               "acme_server": "https://acme-v02.api.letsencrypt.org/directory",
                               // Trust store for the ACME server's own TLS (the lab points it at pebble's certificate).
                               "acme_ca_bundle": "/etc/ssl/certs/ca-certificates.crt",
                               "tls_bundle": "/etc/haproxy/certs/acme.pem"],
                    required: ["acme_email"]) {
    certbot
    deployHook
    Command("obtain the public certificate",
            run: "REQUESTS_CA_BUNDLE={{ acme_ca_bundle }} certbot certonly --standalone --non-interactive --agree-tos "
                + "--no-eff-email -m {{ acme_email }} --server {{ acme_server }} -d {{ site_domain }} "
                + "--http-01-address 127.0.0.1 --http-01-port {{ acme_port }} "
                + "--deploy-hook /etc/letsencrypt/renewal-hooks/deploy/50-haproxy",
            .creates("/etc/letsencrypt/live/{{ site_domain }}/fullchain.pem")).requires(deployHook)
}
