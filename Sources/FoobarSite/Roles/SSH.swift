import RampartDSL

private let sudo = Package("sudo")
private let authorizedKeys = File("/home/{{ deploy_user }}/.ssh/authorized_keys", .text("{{ ssh_public_key }}\n"),
                                  owner: "{{ deploy_user }}", group: "{{ deploy_user }}", mode: "0600")
private let sudoers = File("/etc/sudoers.d/rampart-{{ deploy_user }}",
                           .text("# Managed by Rampart: the deploy user runs Rampart's steps as root.\n{{ deploy_user }} ALL=(ALL) NOPASSWD:ALL\n"),
                           mode: "0440", validate: "visudo -cf %s").requires(sudo)
/// The host key the configuration below offers first (it drops the NIST curves, and libssh2
/// 1.10 has no rsa-sha2): made on the host before sshd is told to use it.
private let hostKey = SSHKeyPair("/etc/ssh/ssh_host_ed25519_key", comment: "root@{{ inventory_hostname }}")
/// The whole configuration checked with this file in place; a rejected one is restored.
private let sshdConfig = File("/etc/ssh/sshd_config.d/50-rampart.conf", .template("ssh/sshd.conf.j2"), validate: "sshd -t")
    .requires(authorizedKeys, sudoers, hostKey)

/// Access bootstrap and SSH hardening, ordered so the session that applies it is never cut.
let ssh = Role("ssh", summary: "Access bootstrap and SSH hardening — a deploy user with Rampart's public key and passwordless sudo, then sshd with keys only, no root login, only the deploy user, modern algorithms. Ordered so the session that applies it is never cut (the user and its key exist before root loses SSH); later runs connect as the deploy user (inventory `user`, and `bootstrap_user` root for fresh servers).",
               defaults: ["deploy_user": "deploy", "ssh_tcp_forwarding": "no"]) {
    sudo
    User("{{ deploy_user }}", shell: "/bin/bash")
    Directory("/home/{{ deploy_user }}/.ssh", owner: "{{ deploy_user }}", group: "{{ deploy_user }}", mode: "0700")
    authorizedKeys
    sudoers
    hostKey
    sshdConfig
    // A reload makes sshd read its host keys again, a new one included.
    Service("ssh", refresh: .reload).subscribes(sshdConfig, hostKey)
}
