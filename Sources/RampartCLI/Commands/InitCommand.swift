import ArgumentParser
import Foundation
import RampartBasics

/// `rampart init`: a new project for the user's own servers.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a project for your own servers: inventory, playbook, roles, templates, vault.",
        discussion: """
        Writes the reference deployment (--kind site: load balancer, web servers, databases,
        monitoring) or a bare baseline (--kind baseline: tools, deploy user, sshd hardening,
        nftables) into FOLDER, with an inventory of your servers, a vault holding a random
        password for every account, JSON Schemas for your editor, a .gitignore that keeps keys,
        the CA's private key and vault passwords out of git, and a README. The vault password
        goes to a file outside the project (mode 0600), or is asked at every run (--vault-prompt).
        It never overwrites anything. Without the servers on the command line, on a terminal, it
        asks for them.

        A server is an address (named for its part: lb1, web1, db1, mon1), NAME=ADDRESS, or a name
        your ~/.ssh/config knows. The same server may serve two parts (e.g. the load balancer and
        the monitoring); the first database server is the primary, the others replicas.

          rampart init shop --domain shop.example.com --lb 203.0.113.10 --web 10.0.0.11,10.0.0.12 \\
              --db 10.0.0.21,10.0.0.22 --monitoring 10.0.0.30 --admin-network 198.51.100.7/32
          rampart init servers --kind baseline --servers alpha,beta --admin-network 198.51.100.7/32
        """
    )

    @Argument(help: "The project folder (created if missing).")
    var folder: String = "."

    @Option(name: .long, help: "site (the reference deployment) or baseline.")
    var kind: ProjectScaffold.Kind = .site

    @Option(name: .long, help: "The site's domain.")
    var domain: String?

    @Option(name: .customLong("lb"), help: "Load balancer server(s), comma-separated.")
    var loadBalancers: String?
    @Option(name: .customLong("web"), help: "Web server(s).")
    var webServers: String?
    @Option(name: .customLong("db"), help: "Database server(s): the primary first.")
    var databases: String?
    @Option(name: .customLong("monitoring"), help: "Monitoring server(s).")
    var monitoring: String?
    @Option(name: .long, help: "The servers of a baseline.")
    var servers: String?

    @Option(name: .long, help: "The login user the ssh role creates (default deploy).")
    var user: String?
    @Option(name: .long, help: "Who a fresh server lets in first (default root; `none`: the login user from the start).")
    var bootstrapUser: String?
    @Option(name: .long, help: "Your SSH key (ed25519 or ECDSA; its .pub is authorized). Default ~/.ssh/id_ed25519.")
    var key: String?
    @Option(name: .long, help: "Your known_hosts file (default ~/.ssh/known_hosts).")
    var knownHosts: String?
    @Option(name: .long, help: "Where SSH may come from, CIDR (the firewall's admin rule).")
    var adminNetwork: String?
    @Option(name: .long, help: "An HTTP proxy for apt on the servers.")
    var aptProxy: String?
    @Option(name: .long, help: "The inventory's name (default production).")
    var inventoryName: String = "production"

    @Option(name: .long, help: "Where to write the vault password (default ~/.config/rampart/FOLDER-INVENTORY.vault-password).")
    var vaultPasswordFile: String?
    @Flag(name: .long, help: "Ask for the vault password instead of writing it to a file.")
    var vaultPrompt = false

    func run() throws {
        let interactive = isatty(STDIN_FILENO) != 0
        var scaffold = ProjectScaffold()
        scaffold.kind = kind
        scaffold.inventoryName = inventoryName
        let given: [ProjectScaffold.Part: String?] = kind == .site
            ? [.loadbalancers: loadBalancers, .webservers: webServers, .databases: databases, .monitoring: monitoring]
            : [.webservers: servers]
        let asking = interactive && given.values.contains { $0 == nil }
        func value(_ given: String?, _ question: String, _ fallback: String?) -> String? {
            if let given { return given }
            return asking ? Terminal.shared.prompt(question, default: fallback) : fallback
        }
        if asking { Terminal.shared.write("A new Rampart project in \(folder) (\(kind.rawValue)). Servers: an address, NAME=ADDRESS, or a name from ~/.ssh/config; several comma-separated.\n") }
        scaffold.domain = value(domain, "The site's domain", scaffold.domain) ?? scaffold.domain
        let questions: [ProjectScaffold.Part: String] = kind == .site
            ? [.loadbalancers: "Load balancer", .webservers: "Web servers", .databases: "Database servers (the primary first)", .monitoring: "Monitoring server"]
            : [.webservers: "Servers"]
        for part in ProjectScaffold.Part.allCases {
            guard let question = questions[part], let text = value(given[part] ?? nil, question, nil) else { continue }
            scaffold.servers[part] = text.split(separator: ",").map { ProjectScaffold.Server(String($0)) }
        }
        scaffold.user = value(user, "Login user (made by the ssh role)", scaffold.user) ?? scaffold.user
        let bootstrap = value(bootstrapUser, "Who a fresh server lets in first (none: the login user)", scaffold.bootstrapUser)
        scaffold.bootstrapUser = bootstrap == "none" ? nil : bootstrap
        scaffold.key = value(key, "Your SSH key", scaffold.key) ?? scaffold.key
        scaffold.knownHosts = knownHosts ?? scaffold.knownHosts
        scaffold.adminNetwork = value(adminNetwork, "Where SSH may come from (CIDR)", scaffold.adminNetwork) ?? scaffold.adminNetwork
        scaffold.aptProxy = aptProxy
        try scaffold.check()

        let project = URL(fileURLWithPath: folder).standardizedFileURL.path
        var password: Secret?
        var passwordFile: String?
        if kind == .site {
            if vaultPrompt {
                guard let first = Terminal.shared.promptSecret("New vault password: "), let second = Terminal.shared.promptSecret("Repeat it: ") else {
                    throw DiagnosticError(.error("no terminal to ask for a vault password", hint: "leave out --vault-prompt: init then writes a random one to a file"))
                }
                guard first == second else { throw DiagnosticError(.error("the two passwords differ; nothing was written")) }
                password = first
            } else {
                let home = FileManager.default.homeDirectoryForCurrentUser.path
                let name = URL(fileURLWithPath: project).lastPathComponent
                let path = vaultPasswordFile.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath).standardizedFileURL.path }
                    ?? "\(home)/.config/rampart/\(name)-\(inventoryName).vault-password"
                guard !path.hasPrefix(project + "/") else {
                    throw DiagnosticError(.error("the vault password file \(path) would be inside the project", hint: "keep it outside, where git cannot take it"))
                }
                guard !FileManager.default.fileExists(atPath: path) else {
                    throw DiagnosticError(.error("\(path) already exists; nothing was written", hint: "init never overwrites: give --vault-password-file another path"))
                }
                password = Secret(ProjectScaffold.randomPassword(length: 32))
                passwordFile = path
                scaffold.vaultPasswordFile = path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
            }
        }
        let files = try scaffold.files(reference: try ReferenceFiles.locate(), vaultPassword: password)
        // The password first: a vault nobody can open is worse than no project.
        if let passwordFile, let password {
            try FileManager.default.createDirectory(atPath: (passwordFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try password.withRevealed { try AtomicFile.write(Data(($0 + "\n").utf8), to: passwordFile, mode: 0o600) }
        }
        let written: [String]
        do { written = try ProjectScaffold.write(files, into: project) } catch {
            if let passwordFile { try? FileManager.default.removeItem(atPath: passwordFile) }
            throw error
        }
        let playbook = kind == .site ? "site" : "baseline"
        Terminal.shared.write("""
        wrote \(written.count) files into \(project)\(passwordFile.map { " and the vault password to \($0) (0600)" } ?? "")

        Next:
          cd \(folder)
          rampart validate -i inventories/\(inventoryName).yml playbooks/\(playbook).yml
          rampart apply    -i inventories/\(inventoryName).yml playbooks/\(playbook).yml

        """)
    }
}

extension ProjectScaffold.Kind: ExpressibleByArgument {}
