/// What installing a Debian 12 package is known to do, so a plan for a fresh host predicts it
/// instead of reporting the service or file as missing. Anything not listed here is shown as
/// "(known after apply)".
public enum PackageKnowledge {
    public struct Effects: Sendable {
        /// Units the package creates, with Debian's default state after install (enabled, running).
        public var units: [String: (enabled: Bool, running: Bool)]
        /// Configuration files it ships.
        public var files: [String]
        /// System users it creates.
        public var users: [String]
    }

    public static let effects: [String: Effects] = [
        "nginx": Effects(units: ["nginx": (true, true)], files: ["/etc/nginx/nginx.conf", "/etc/nginx/sites-available/default", "/etc/nginx/sites-enabled/default"], users: []),
        "nginx-light": Effects(units: ["nginx": (true, true)], files: ["/etc/nginx/nginx.conf", "/etc/nginx/sites-available/default", "/etc/nginx/sites-enabled/default"], users: []),
        "haproxy": Effects(units: ["haproxy": (true, true)], files: ["/etc/haproxy/haproxy.cfg", "/etc/default/haproxy"], users: ["haproxy"]),
        "mariadb-server": Effects(units: ["mariadb": (true, true)], files: ["/etc/mysql/mariadb.conf.d/50-server.cnf", "/etc/mysql/my.cnf"], users: ["mysql"]),
        "prometheus": Effects(units: ["prometheus": (true, true)], files: ["/etc/prometheus/prometheus.yml", "/etc/default/prometheus"], users: ["prometheus"]),
        "prometheus-node-exporter": Effects(units: ["prometheus-node-exporter": (true, true)], files: ["/etc/default/prometheus-node-exporter"], users: ["prometheus"]),
        "prometheus-nginx-exporter": Effects(units: ["prometheus-nginx-exporter": (true, true)], files: ["/etc/default/prometheus-nginx-exporter"], users: ["prometheus"]),
        "prometheus-mysqld-exporter": Effects(units: ["prometheus-mysqld-exporter": (true, true)], files: ["/etc/default/prometheus-mysqld-exporter"], users: ["prometheus"]),
        "nftables": Effects(units: ["nftables": (false, false)], files: ["/etc/nftables.conf"], users: []),
        "cron": Effects(units: ["cron": (true, true)], files: ["/etc/crontab"], users: []),
        "openssh-server": Effects(units: ["ssh": (true, true)], files: ["/etc/ssh/sshd_config"], users: ["sshd"]),
        "php8.2-fpm": Effects(units: ["php8.2-fpm": (true, true)], files: ["/etc/php/8.2/fpm/pool.d/www.conf", "/etc/php/8.2/fpm/php.ini"], users: []),
        "rsyslog": Effects(units: ["rsyslog": (true, true)], files: ["/etc/rsyslog.conf"], users: []),
    ]
}
