import Foundation
import Testing

/// A site whose parts go by other group names still verifies: a copy of the lab inventory with
/// its own names for every part (groups `edge`, `app`, `pg_main`, `pg_standby`, `observability`)
/// named in `site_groups` — `verify` must find the same hosts and pass, and a typo in
/// `site_groups` must be refused with a suggestion, before anything connects.
enum SiteGroupsLabChecks {
    static func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-site-groups-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let renamed = try SiteLabChecks.inventoryCopy(in: folder, name: "lab-renamed") {
            $0.replacingOccurrences(of: "\ngroups:\n", with: """

            groups:
              edge:          { children: [loadbalancers] }
              app:           { children: [webservers] }
              pg_main:       { children: [db_primary] }
              pg_standby:    { children: [db_replicas] }
              observability: { children: [monitoring] }

            """).replacingOccurrences(of: "\nvars:\n", with: """

            vars:
              site_groups: { loadbalancers: edge, webservers: app, db_primary: pg_main, db_replicas: pg_standby, monitoring: observability }

            """)
        }
        let text = try String(contentsOfFile: renamed, encoding: .utf8)
        let verify = try rampart(["verify", "-i", renamed, SiteLabChecks.site])
        #expect(verify.status == 0 && verify.stdout.contains("HTTPS on lb1") && verify.stdout.contains("db2 replicates from db1")
                && verify.stdout.contains("all Prometheus targets up on mon1"), "verify with the site's own group names:\n\(verify.stdout)\n\(verify.stderr)")
        try text.replacingOccurrences(of: "webservers: app,", with: "webserver: app,").write(toFile: renamed, atomically: true, encoding: .utf8)
        let typo = try rampart(["verify", "-i", renamed, SiteLabChecks.site])
        #expect(typo.status == 1 && typo.stderr.contains("site_groups names an unknown part 'webserver'")
                && typo.stderr.contains("did you mean 'webservers'?"), "\(typo.stdout)\n\(typo.stderr)")
    }
}
