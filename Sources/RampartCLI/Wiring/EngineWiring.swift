import Foundation
import RampartBasics
import RampartCA
import Rampart
import RampartCatalog
import RampartEngine
import RampartModel
import RampartPlan

/// The engine as the command line runs it: hosts reached over SSH, certificates from the
/// control node's internal CA.
enum EngineWiring {
    static func engine(for project: Project, inventoryPath: String, forks: Int, lockTimeout: Double = 300, offline: Bool = false) -> Engine {
        let inventory = project.inventory
        let factory = ConnectionFactory(inventory: inventory)
        var engine = Engine(inventory: inventory, connect: { host in try await factory.connect(host) },
                            issueCertificates: issuer(for: inventory), forks: forks, lockTimeout: lockTimeout)
        engine.recompile = recompiler(project, offline: offline)
        engine.factsCache = TemplateFactsCache(inventoryPath: inventoryPath)
        return engine
    }

    static func recompiler(_ project: Project, offline: Bool = false) -> CatalogRecompiler {
        { catalog, facts in try project.compile(host: catalog.host, facts: facts, offline: offline) }
    }

    /// The project's catalog, hosts whose templates read facts compiled with those they had at
    /// the last run (unless offline, which renders with the baseline).
    static func catalog(_ project: Project, inventoryPath: String, limit: String?, offline: Bool = false) throws -> Catalog {
        // Compiled with them at once (a host that reads no facts ignores its entry): no second compile.
        let cached = offline ? [:] : TemplateFactsCache(inventoryPath: inventoryPath).all()
        let catalog = try project.compile(limit: limit, facts: cached, offline: offline)
        for warning in catalog.warnings { Diagnostics.print(warning) }
        return catalog
    }

    /// Issues (or reuses) every internal-CA certificate a host's catalog asks for; the CA is
    /// opened, or created, only when a host asks for one, and once.
    static func issuer(for inventory: Inventory) -> CertificateIssuer {
        let authority = Locked<CertificateAuthority?>(nil)
        return { catalog in
            var issued: [ResourceID: CertificateMaterial] = [:]
            for resource in catalog.resources {
                guard case .certificate(let c) = resource.spec, c.issuer == .internal else { continue }
                let ca = try authority.withLock { ca in
                    if ca == nil { ca = try CertificateAuthority.open(for: inventory, vault: Diagnostics.vaultPassword) }
                    return ca!
                }
                let leaf = try ca.leaf(host: catalog.host, name: c.name, commonName: c.commonName,
                                       subjectAltNames: c.subjectAltNames, validDays: c.validDays, renewBefore: c.renewBefore)
                issued[resource.id] = CertificateMaterial(certificatePEM: leaf.certificatePEM, privateKey: leaf.privateKey, caPEM: ca.certificatePEM)
            }
            return issued
        }
    }
}
