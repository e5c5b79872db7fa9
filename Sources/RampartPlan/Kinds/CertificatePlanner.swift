import RampartBasics
import RampartFacts
import RampartModel

/// TLS certificates: the material the control node's CA issued for this host, placed as files —
/// certificate (0644), key (0600, only on this host), optionally the CA certificate and a
/// certificate+key bundle — each with the file kind's atomic write and checks.
enum CertificatePlanner {
    static func plan(_ c: CertificateResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        guard c.issuer == .internal else {
            context.error("certificates from ACME are obtained on the host (certbot), not by this resource yet",
                          hint: "use issuer: internal, or a command resource running certbot", resource: resource.id)
            return []
        }
        guard let material = context.certificates[resource.id] else {
            context.error("no certificate was issued for \(resource.id)", hint: "the internal CA could not be opened", resource: resource.id)
            return []
        }
        var steps: [Step] = []
        for (path, content, mode) in material.files(for: c) {
            let file = FileResource(path, source: .content(content), owner: c.owner, group: c.group, mode: mode)
            for var step in FilePlanner.plan(file, Resource(.file(file)), &context) {
                step.resources = [resource.id]
                step.summary = "\(path): \(step.summary)"
                steps.append(step)
            }
        }
        return steps
    }
}
