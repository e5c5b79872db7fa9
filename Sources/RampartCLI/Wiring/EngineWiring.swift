import Foundation
import RampartBasics
import RampartCA
import RampartCatalog
import RampartEngine
import RampartModel
import RampartPlan

/// The engine as the command line runs it: hosts reached over SSH, certificates from the
/// control node's internal CA.
enum EngineWiring {
    static func engine(for inventory: Inventory, forks: Int, lockTimeout: Double = 300) -> Engine {
        let factory = ConnectionFactory(inventory: inventory)
        return Engine(inventory: inventory, connect: { host in try await factory.connect(host) },
                      issueCertificates: issuer(for: inventory), forks: forks, lockTimeout: lockTimeout)
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
