import RampartDSL

private let tlsFolder = Directory("/etc/nginx/tls", mode: "0750")
private let appFolder = Directory("/etc/foobar", owner: "root", group: "www-data", mode: "0750")
/// The application verifies the database's certificate against the same CA.
private let backendCertificate = Certificate("backend", commonName: "{{ inventory_hostname }}",
                                             altNames: ["{{ host.address }}", "{{ site_domain }}"],
                                             cert: "/etc/nginx/tls/backend.crt", key: "/etc/nginx/tls/backend.key", ca: "/etc/foobar/ca.crt")
    .requires(tlsFolder, appFolder)
private let defaultSite = File("/etc/nginx/sites-enabled/default", state: .absent)
private let securityConfig = File("/etc/nginx/conf.d/security.conf", .template("web/security.conf.j2"))
private let siteConfig = File("/etc/nginx/sites-enabled/foobar.conf", .template("web/site.conf.j2"), validate: "nginx -t")
private let exporterDefaults = File("/etc/default/prometheus-nginx-exporter", .text("""
    # Managed by Rampart: read nginx's stub_status on localhost.
    ARGS="-nginx.scrape-uri=http://127.0.0.1:8080/nginx_status"

    """))

/// nginx over TLS with the internal CA's certificate; the PHP application at /app/.
let web = Role("web", summary: "nginx serving the site over TLS with a certificate from the internal CA, /healthz for the LB, stub_status on localhost; the application tier (PHP-FPM) at /app/, writing to the database primary over verified TLS as the least-privilege app account.",
               defaults: ["site_domain": "www.foobar.com", "php_version": "8.2",
                          // The writer: the first host of db_primary (`rampart db promote` changes it; the web play rolls).
                          "db_writer": "{{ groups.\(dbPrimary.name).0 }}",
                          "db_writer_address": "{{ hostvars[db_writer].address }}"],
               required: ["app_db_password"]) {
    FirewallRule("https from the load balancers", port: 443, from: [.group(loadbalancers)])
    FirewallRule("nginx exporter from monitoring", port: 9113, from: [.group(monitoring)])
    Package("nginx")
    Package("php{{ php_version }}-fpm")
    Package("php{{ php_version }}-mysql")
    tlsFolder
    appFolder
    backendCertificate
    defaultSite
    securityConfig
    Directory("/var/www/foobar")
    File("/var/www/foobar/index.html", .template("web/index.html.j2"))
    File("/etc/foobar/app.json", .template("web/app.json.j2"), owner: "root", group: "www-data", mode: "0640")
    Directory("/var/www/foobar-app")
    File("/var/www/foobar-app/index.php", .template("web/app.php.j2"))
    Service("php{{ php_version }}-fpm")
    siteConfig
    Service("nginx", refresh: .reload).subscribes(siteConfig, securityConfig, defaultSite, backendCertificate)
    // nginx's stub_status (127.0.0.1:8080) as Prometheus metrics on :9113.
    Package("prometheus-nginx-exporter")
    exporterDefaults
    Service("prometheus-nginx-exporter", refresh: .restart).subscribes(exporterDefaults)
}
