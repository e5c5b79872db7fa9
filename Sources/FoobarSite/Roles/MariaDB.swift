import RampartDSL

private let unitDropIn = SystemdUnit("mariadb.service.d/rampart.conf", .text("""
    # Managed by Rampart.
    [Service]
    Environment=UMASK=0640

    """))
private let serverCertificate = Certificate("mariadb", commonName: "{{ inventory_hostname }}", altNames: ["{{ host.address }}"],
                                            cert: "{{ tls_dir }}/server.crt", key: "{{ tls_dir }}/server.key", ca: "{{ tls_dir }}/ca.crt",
                                            owner: "mysql", group: "mysql")
/// mariadbd parses every option file and refuses unknown settings.
private let serverConfig = File("/etc/mysql/mariadb.conf.d/60-rampart.cnf", .template("db/server.cnf.j2"),
                                validate: "mariadbd --help --verbose --user=mysql")
private let exporterCredentials = File("/etc/prometheus/mysqld-exporter.cnf", .text("""
    [client]
    user = exporter
    password = {{ exporter_db_password }}
    socket = /run/mysqld/mysqld.sock

    """), owner: "prometheus", group: "prometheus", mode: "0600")
private let exporterDefaults = File("/etc/default/prometheus-mysqld-exporter", .text("""
    # Managed by Rampart: the exporter's credentials file.
    ARGS="--config.my-cnf=/etc/prometheus/mysqld-exporter.cnf"

    """))

/// MariaDB 10.11 on every database server, the same on the primary and the replicas.
let mariadb = Role("mariadb", summary: "MariaDB 10.11 (Debian 12) on every database server — GTID, row binlog everywhere (promotable), TLS from the internal CA, local_infile off, bound to the private address, secure baseline. The same on the primary and the replicas; mariadb-primary / mariadb-replica add the role.",
                   defaults: ["mysql_flavor": "mariadb", "gtid_domain_id": 0, "bind_address": "{{ host.address }}",
                              "binlog_dir": "/var/log/mysql", "tls_dir": "/etc/mysql/tls"],
                   required: ["server_id", "exporter_db_password"]) {
    // Any server may be promoted, so each accepts replication from the others.
    FirewallRule("mysql from web and database servers", port: 3306, from: [.group(webservers), .group(databases)])
    FirewallRule("mysqld exporter from monitoring", port: 9104, from: [.group(monitoring)])
    Package("mariadb-server")
    unitDropIn
    Directory("{{ tls_dir }}", owner: "root", group: "mysql", mode: "0750")
    serverCertificate
    Directory("{{ binlog_dir }}", owner: "mysql", group: "mysql", mode: "0750")
    serverConfig
    Service("mariadb", refresh: .restart).subscribes(serverConfig, serverCertificate, unitDropIn)
    // Each server fixes itself, outside the binary log (a replica must have no transactions of its own).
    Command("secure baseline",
            run: #"mysql -e "SET SESSION sql_log_bin=0; DELETE FROM mysql.global_priv WHERE User=''; DROP DATABASE IF EXISTS test; FLUSH PRIVILEGES""#,
            .unless(#"test "$(mysql --skip-ssl -NBe "SELECT (SELECT COUNT(*) FROM mysql.global_priv WHERE User='') + (SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name='test')")" = 0"#))
    Package("prometheus-mysqld-exporter")
    exporterCredentials
    exporterDefaults
    Service("prometheus-mysqld-exporter", refresh: .restart).subscribes(exporterDefaults, exporterCredentials)
}

private let roleFile = File("/etc/mysql/mariadb.conf.d/61-rampart-role.cnf", .template("db/role.cnf.j2"),
                            validate: "mariadbd --help --verbose --user=mysql")
private let appDatabase = MySQLDatabase("app")

/// The writer: replicating from nobody; the accounts, created here and replicated; the application's database.
let mariadbPrimary = Role("mariadb-primary", summary: "The writer (the host in group db_primary) — writable, replicating from nobody; the accounts, created here and replicated to the replicas — replication only from the database servers over TLS, the application only from the web servers over TLS, the mysqld exporter on localhost — and the application's database and table.",
                          defaults: ["db_role": "primary", "mysql_flavor": "mariadb"],
                          required: ["replication_password", "app_db_password", "exporter_db_password"]) {
    roleFile
    Replication.primary("default")
    // From every database server's address: whichever is promoted, the others replicate from it.
    MySQLUser("repl", host: "{{ hostvars[item].address }}", password: "{{ replication_password }}",
              privileges: ["*.*: REPLICATION SLAVE"], requireTLS: true, maxConnections: 3).loop(over: databases)
    appDatabase
    MySQLUser("app", host: "{{ hostvars[item].address }}", password: "{{ app_db_password }}",
              privileges: ["app.*: SELECT, INSERT"], requireTLS: true, maxConnections: 20).loop(over: webservers)
    MySQLUser("exporter", host: "localhost", password: "{{ exporter_db_password }}",
              privileges: ["*.*: PROCESS, REPLICATION CLIENT, SELECT, SLAVE MONITOR"], maxConnections: 3)
    Command("app schema",
            run: #"mysql app -e "CREATE TABLE IF NOT EXISTS notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(200) NOT NULL, web VARCHAR(64) NOT NULL, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)""#,
            .unless(#"mysql --skip-ssl -NBe "SELECT 1 FROM information_schema.tables WHERE table_schema='app' AND table_name='notes'" | grep -qx 1"#))
        .requires(appDatabase)
}

/// A replica of the host in group db_primary — GTID, TLS that verifies the primary, read-only.
let mariadbReplica = Role("mariadb-replica", summary: "A replica (a host in group db_replicas) of the host in group db_primary — GTID, TLS that verifies the primary's certificate, read-only; a new replica first gets a copy of the primary's data.",
                          defaults: ["db_role": "replica", "mysql_flavor": "mariadb", "tls_dir": "/etc/mysql/tls"],
                          required: ["replication_password"]) {
    roleFile
    Replication("default", primary: .first(of: dbPrimary), user: "repl", password: "{{ replication_password }}",
                caFile: "{{ tls_dir }}/ca.crt")
}
