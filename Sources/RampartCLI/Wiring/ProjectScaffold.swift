import Foundation
import RampartBasics
import RampartLoading

/// What `rampart init` writes: a project of the user's own — an inventory of their servers, the
/// reference deployment's playbook, roles and templates (or a bare baseline), a vault with a
/// random password for every account, the JSON Schemas editors read, a `.gitignore` that keeps
/// keys, the CA's private key and vault passwords out of git, and a README. Nothing that exists
/// is ever overwritten: every path is checked before the first file is written.
struct ProjectScaffold {
    enum Kind: String, CaseIterable, Sendable {
        /// The reference deployment (playbooks/site.yml): LB, web servers, databases, monitoring.
        case site
        /// Every server made safe and manageable: tools and an ops account, the deploy user
        /// and sshd hardening, nftables — the site's base play alone.
        case baseline
    }

    /// The groups a host may be given, in the order hosts are named.
    enum Part: String, CaseIterable, Sendable {
        case loadbalancers, webservers, databases, monitoring
        /// The generated host names' stem: `lb1`, `web1`, `db1`, `mon1`.
        var stem: String {
            switch self {
            case .loadbalancers: "lb"
            case .webservers: "web"
            case .databases: "db"
            case .monitoring: "mon"
            }
        }
        /// The parts the baseline has: any servers at all.
        static let baseline: [Part] = [.webservers]
    }

    /// A server as given: `10.0.0.11` (named for its part), `web-a=10.0.0.11`, or `web-a`
    /// alone (a name ssh_config knows: no address in the inventory).
    struct Server: Equatable {
        var name: String?
        var address: String?

        init(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let equals = trimmed.firstIndex(of: "=") {
                name = String(trimmed[..<equals])
                address = String(trimmed[trimmed.index(after: equals)...])
            } else if Self.isAddress(trimmed) {
                address = trimmed
            } else {
                name = trimmed
            }
        }

        static func isAddress(_ text: String) -> Bool {
            var v4 = in_addr(), v6 = in6_addr()
            return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
        }
    }

    var kind: Kind = .site
    /// The inventory's name: `inventories/NAME.yml`, its vault under `inventories/NAME/`.
    var inventoryName = "production"
    var domain = "www.example.com"
    /// The login user Rampart uses once the site's ssh role made it.
    var user = "deploy"
    /// Who a fresh server lets in first (nil: `user` from the start).
    var bootstrapUser: String? = "root"
    var key = "~/.ssh/id_ed25519"
    var knownHosts = "~/.ssh/known_hosts"
    /// Where SSH may come from (the firewall's admin rule).
    var adminNetwork = "0.0.0.0/0"
    var aptProxy: String?
    var servers: [Part: [Server]] = [:]
    /// Where the vault password goes (outside the project, mode 0600); nil: asked at every run.
    var vaultPasswordFile: String?

    /// The inventory's hosts, each with its parts: a server given for two parts is one host in
    /// both groups (the LB and the monitoring on one machine).
    func hosts() throws -> [(name: String, address: String?, parts: [Part])] {
        var result: [(name: String, address: String?, parts: [Part])] = []
        for part in Part.allCases {
            for (index, server) in (servers[part] ?? []).enumerated() {
                if let same = result.firstIndex(where: { ($0.address != nil && $0.address == server.address && server.name == nil) || $0.name == server.name }) {
                    result[same].parts.append(part)
                    continue
                }
                let name = server.name ?? "\(part.stem)\(index + 1)"
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw DiagnosticError(.error("'\(name)' is not a host name", hint: "letters, digits, '-', '_' and '.'; write NAME=ADDRESS to choose one"))
                }
                if result.contains(where: { $0.name == name }) {
                    throw DiagnosticError(.error("two servers would be named '\(name)'", hint: "write NAME=ADDRESS for one of them"))
                }
                result.append((name, server.address, [part]))
            }
        }
        return result
    }

    /// Checks what the project needs before anything is written.
    func check() throws {
        let parts: [Part] = kind == .site ? Part.allCases : Part.baseline
        if kind == .site {
            for part in parts where (servers[part] ?? []).isEmpty {
                throw DiagnosticError(.error("the site needs at least one server for \(part.rawValue)",
                                             hint: "--\(Self.flag(part)) ADDRESS (a server may serve two parts: give its address twice)"))
            }
        } else if servers.values.allSatisfy(\.isEmpty) {
            throw DiagnosticError(.error("a baseline needs at least one server", hint: "--servers ADDRESS[,ADDRESS…]"))
        }
        _ = try hosts()
    }

    static func flag(_ part: Part) -> String {
        switch part {
        case .loadbalancers: "lb"
        case .webservers: "web"
        case .databases: "db"
        case .monitoring: "monitoring"
        }
    }

    // MARK: - Writing

    /// The files, relative to the project folder, with their modes.
    func files(reference: ReferenceFiles, vaultPassword: Secret?) throws -> [(path: String, content: Data, mode: Int)] {
        try check()
        var files: [(String, Data, Int)] = []
        func add(_ path: String, _ text: String, mode: Int = 0o644) { files.append((path, Data(text.utf8), mode)) }

        // The playbook and the roles it names, the templates those roles name.
        let playbookName = kind == .site ? "site" : "baseline"
        let playbookText = kind == .site ? try reference.read("playbooks/site.yml") : baselinePlaybook
        add("playbooks/\(playbookName).yml", Self.pointingAtProjectSchemas(playbookText))
        let roles = kind == .site ? try siteRoles(reference) : ["common", "ssh", "firewall"]
        var templateFolders: Set<String> = []
        for role in roles {
            let text = try reference.read("playbooks/roles/\(role).yml")
            add("playbooks/roles/\(role).yml", Self.pointingAtProjectSchemas(text))
            for match in text.matches(of: #/template: ([A-Za-z0-9_-]+)/#) { templateFolders.insert(String(match.1)) }
        }
        for folder in templateFolders.sorted() {
            for path in reference.templates(in: folder) { add(path, try reference.read(path)) }
        }
        add("inventories/\(inventoryName).yml", try inventory())
        if kind == .site {
            guard let vaultPassword else { throw DiagnosticError(.error("the site's vault needs a password")) }
            let clear = vaultText()
            let sealed = try Vault.encrypt(Data(clear.utf8), password: vaultPassword)
            files.append(("inventories/\(inventoryName)/group_vars/all/vault.yml", sealed, 0o600))
        }
        for document in LoaderSchema.Document.allCases {
            add(".rampart/schema/\(document.fileName)", LoaderSchema.json(document))
        }
        add(".gitignore", gitignore)
        add("README.md", readme(playbook: playbookName))
        return files
    }

    /// The roles the reference playbook's plays name (from the playbook file itself).
    func siteRoles(_ reference: ReferenceFiles) throws -> [String] {
        let playbook = try PlaybookLoader().load(path: reference.root + "/playbooks/site.yml")
        var roles: [String] = []
        for play in playbook.plays {
            for use in play.roles {
                for name in [use.role] + (playbook.roles[use.role]?.depends ?? []) where !roles.contains(name) { roles.append(name) }
            }
        }
        return roles
    }

    /// The repository's YAML names its schemas in docs/schema/; a project keeps them in .rampart/schema/.
    static func pointingAtProjectSchemas(_ text: String) -> String {
        guard text.hasPrefix("# yaml-language-server: $schema=") else { return text }
        let newline = text.firstIndex(of: "\n") ?? text.endIndex
        return text[..<newline].replacingOccurrences(of: "docs/schema/", with: ".rampart/schema/") + text[newline...]
    }

    var baselinePlaybook: String {
        """
        # yaml-language-server: $schema=../.rampart/schema/rampart-playbook.schema.json
        # Every server made safe and manageable: admin tools and an ops account (common), a deploy
        # user with your key and sshd hardened (ssh), and nftables with SSH only from the admin
        # network (firewall). Made by `rampart init --kind baseline`; add plays of your own below.
        name: baseline
        plays:
          - name: base
            hosts: all
            roles: [common, ssh, firewall]

        """
    }

    func inventory() throws -> String {
        let hosts = try hosts()
        let quoted = { (text: String) in "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["# yaml-language-server: $schema=../.rampart/schema/rampart-inventory.schema.json",
                     "# Your servers, made by `rampart init`: check them with `rampart validate`. Every field is",
                     "# described in Rampart's docs/model.md; your editor completes them from .rampart/schema/.",
                     "connection:",
                     "  # made by the site's ssh role, with your key and sudo",
                     "  user: \(quoted(user))"]
        if let bootstrapUser { lines += ["  # how a fresh server is reached the first time", "  bootstrap_user: \(quoted(bootstrapUser))"] }
        lines += ["  key: \(quoted(key))", "  known_hosts: \(quoted(knownHosts))", "  host_key_checking: strict", ""]
        if let vaultPasswordFile { lines += ["vault: { password_file: \(quoted(vaultPasswordFile)) }   # outside the project, never in git", ""] }
        lines += ["vars:", "  site_domain: \(quoted(domain))", "  admin_network: \(quoted(adminNetwork))   # where SSH may come from"]
        if let aptProxy { lines.append("  apt_proxy: \(quoted(aptProxy))") }
        lines += ["", "hosts:"]
        var databaseIndex = 0
        for host in hosts {
            var fields: [String] = []
            if let address = host.address { fields.append("address: \(address)") }
            if host.parts.contains(.databases) {
                databaseIndex += 1
                fields.append("vars: { server_id: \(databaseIndex) }")
            }
            lines.append("  \(host.name):" + (fields.isEmpty ? "" : " { \(fields.joined(separator: ", ")) }")
                         + (host.address == nil ? "   # reached by name (your ~/.ssh/config)" : ""))
        }
        lines += ["", "groups:"]
        func names(_ part: Part) -> [String] { hosts.filter { $0.parts.contains(part) }.map(\.name) }
        if kind == .site {
            let databases = names(.databases)
            lines += ["  loadbalancers: { hosts: [\(names(.loadbalancers).joined(separator: ", "))] }",
                      "  webservers:    { hosts: [\(names(.webservers).joined(separator: ", "))] }",
                      "  databases:     { children: [db_primary, db_replicas] }",
                      "  # Which server takes writes: `rampart db promote` moves hosts between these two.",
                      "  db_primary:    { hosts: [\(databases.prefix(1).joined(separator: ", "))] }",
                      "  db_replicas:   { hosts: [\(databases.dropFirst().joined(separator: ", "))] }",
                      "  monitoring:    { hosts: [\(names(.monitoring).joined(separator: ", "))] }",
                      "  # Hosts that get the public certificate by ACME (see Rampart's README: set tls_bundle,",
                      "  # acme_server and acme_email in vars, and put the load balancer here).",
                      "  acme:          { hosts: [] }"]
        } else {
            lines.append("  servers: { hosts: [\(hosts.map(\.name).joined(separator: ", "))] }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The accounts' passwords, random, in the clear (encrypted before it is written).
    func vaultText() -> String {
        """
        # The site's passwords, made by `rampart init` (random). Edit with `rampart vault edit`.
        replication_password: \(Self.randomPassword())
        app_db_password: \(Self.randomPassword())
        exporter_db_password: \(Self.randomPassword())

        """
    }

    /// 24 letters and digits from the system's cryptographic generator (~143 bits).
    static func randomPassword(length: Int = 24) -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    var gitignore: String {
        """
        # Made by `rampart init`: what must never reach git.
        # Private keys (your SSH key if you keep it here, the CA's key, issued certificates' keys).
        *.key
        id_*
        !id_*.pub
        # Vault passwords (the vault files themselves are encrypted and belong in git).
        *.vault-password
        # The internal CA's private key and the hosts' keys it issued (inventories/.rampart/ca-*/).
        .rampart/ca-*/ca.key
        .rampart/ca-*/issued/
        # Files Rampart writes for itself.
        *.retry
        *.plan

        """
    }

    func readme(playbook: String) -> String {
        let inventoryPath = "inventories/\(inventoryName).yml"
        let vault = vaultPasswordFile.map { "The vault password is in `\($0)` (outside this folder, mode 0600): keep a copy somewhere safe." }
            ?? "The vault password is asked at every run (or set RAMPART_VAULT_PASSWORD_FILE to a file holding it)."
        return """
        # \(domain) — managed by Rampart

        Made by `rampart init`. The servers are in `\(inventoryPath)`; what they run is
        `playbooks/\(playbook).yml` with its roles (`playbooks/roles/`) and templates (`templates/`).

            rampart validate -i \(inventoryPath) playbooks/\(playbook).yml     # everything, offline
            rampart plan     -i \(inventoryPath) playbooks/\(playbook).yml     # what would change
            rampart apply    -i \(inventoryPath) playbooks/\(playbook).yml     # change it
        \(kind == .site ? "    rampart verify   -i \(inventoryPath) playbooks/site.yml        # the running site, checked from outside\n" : "")
        Fresh servers are reached as `\(bootstrapUser ?? user)` the first time; the ssh role creates
        `\(user)` with the public half of `\(key)` and turns root's SSH login off, so later runs log
        in as `\(user)`. \(kind == .site ? vault : "")

        Secrets live in `inventories/\(inventoryName)/group_vars/all/vault.yml` (encrypted):
        `rampart vault edit` it. `.gitignore` keeps private keys, the internal CA's private key and
        vault passwords out of git; everything else here belongs in it. Editors that read
        `# yaml-language-server: $schema=` lines complete fields from `.rampart/schema/`.

        """
    }

    /// Writes `files` into `folder`, refusing if any of them exists — before writing any.
    static func write(_ files: [(path: String, content: Data, mode: Int)], into folder: String) throws -> [String] {
        let existing = files.map { folder + "/" + $0.path }.filter { FileManager.default.fileExists(atPath: $0) }
        if !existing.isEmpty {
            throw DiagnosticError(.error("\(folder) already holds \(existing.count == 1 ? existing[0] : "\(existing.count) of the files init writes (\(existing.prefix(3).joined(separator: ", ")), …)"); nothing was written",
                                         hint: "init never overwrites: choose an empty folder, or move those files away"))
        }
        for file in files {
            let path = folder + "/" + file.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(file.content, to: path, mode: file.mode)
        }
        return files.map(\.path)
    }
}
