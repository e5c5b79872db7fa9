import Foundation
import Testing

/// The production path for the public certificate, in the lab: Debian's `pebble` ACME server and
/// its mock DNS (`www.foobar.com` → lb1) run on the control node; certbot on lb1 answers HTTP-01
/// through HAProxy; HAProxy then serves pebble's certificate. Called from `labLifecycle` after
/// the site checks (same hosts).
enum AcmeLabChecks {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-pebble-\(getpid())").path

    /// Starts a daemon that keeps none of this process's descriptors (Foundation's Process would
    /// otherwise wait for it to exit): Python's Popen with close_fds in a new session.
    static func daemon(_ argv: [String], log: String) throws {
        let args = String(decoding: try JSONSerialization.data(withJSONObject: argv), as: UTF8.self)
        let script = "import json, os, subprocess; log = open(\(String(reflecting: log)), 'w'); "
            + "subprocess.Popen(json.loads(\(String(reflecting: args))), stdin=subprocess.DEVNULL, stdout=log, stderr=log, "
            + "close_fds=True, start_new_session=True, env=dict(os.environ, PEBBLE_VA_NOSLEEP='1'))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "could not start \(argv[0])")
    }

    static func run() throws {
        let sh = SiteLabChecks.shell
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer {
            // Bracketed first letters: the patterns must not match this shell's own command line.
            _ = try? sh("pkill -f '[p]ebble -config \(folder)'; pkill -f '[p]ebble-challtestsrv -defaultIPv4 10.231.77.10'")
            try? FileManager.default.removeItem(atPath: folder)
        }
        // pebble's own HTTPS certificate, for the address lb1 reaches it on.
        _ = try sh("cd \(folder) && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=pebble -addext subjectAltName=IP:10.231.77.1 -keyout key.pem -out cert.pem 2>/dev/null")
        try """
        { "pebble": { "listenAddress": "10.231.77.1:14000", "managementListenAddress": "10.231.77.1:15000",
          "certificate": "\(folder)/cert.pem", "privateKey": "\(folder)/key.pem", "httpPort": 80, "tlsPort": 443,
          "ocspResponderURL": "", "externalAccountBindingRequired": false } }
        """.write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        try daemon(["pebble-challtestsrv", "-defaultIPv4", "10.231.77.10", "-defaultIPv6", "", "-dns01", "10.231.77.1:8053",
                    "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", "10.231.77.1:8055"], log: folder + "/chall.log")
        try daemon(["pebble", "-config", folder + "/config.json", "-dnsserver", "10.231.77.1:8053"], log: folder + "/pebble.log")
        _ = try sh("for i in $(seq 50); do curl -s --cacert \(folder)/cert.pem https://10.231.77.1:14000/dir >/dev/null && break; sleep 0.1; done")

        // The lab inventory with lb1 in `acme`, pointed at pebble, sharing the lab's internal CA.
        let acmeInventory = try SiteLabChecks.inventoryCopy(in: folder, name: "lab-acme") { inventory in
            inventory.replacingOccurrences(of: "  acme:          { hosts: [] }", with: "  acme:          { hosts: [lb1] }")
                .replacingOccurrences(of: "  site_domain: www.foobar.com\n", with: """
                  site_domain: www.foobar.com
                  tls_bundle: /etc/haproxy/certs/acme.pem
                  acme_server: https://10.231.77.1:14000/dir
                  acme_ca_bundle: /etc/rampart/acme-server-ca.pem
                  acme_email: ops@foobar.com

                """)
        }
        let pebbleCert = try String(contentsOfFile: folder + "/cert.pem", encoding: .utf8)
        _ = try EngineLabChecks.exec("lb1", "mkdir -p /etc/rampart && printf '%s' '\(pebbleCert)' > /etc/rampart/acme-server-ca.pem")

        let apply = try rampart(["apply", "-i", acmeInventory, SiteLabChecks.site, "--yes"])
        #expect(apply.status == 0, "ACME apply failed:\n\(apply.stdout)\n\(apply.stderr)\npebble: \((try? String(contentsOfFile: folder + "/pebble.log", encoding: .utf8)) ?? "")")
        #expect(apply.stdout.contains("obtain the public certificate"))
        // pebble's root is new on every start: fetch it, then verify the served chain with it.
        _ = try sh("curl -s --cacert \(folder)/cert.pem https://10.231.77.1:15000/roots/0 > \(folder)/root.pem")
        let served = try sh("curl -s -o /dev/null -w '%{http_code}' --cacert \(folder)/root.pem --resolve www.foobar.com:443:\(SiteLabChecks.lb) https://www.foobar.com/")
        #expect(served.output == "200", "the LB should serve pebble's certificate: \(served.output)")
        let issuer = try sh("echo | openssl s_client -connect \(SiteLabChecks.lb):443 -servername www.foobar.com 2>/dev/null | openssl x509 -noout -issuer")
        #expect(issuer.output.contains("Pebble Intermediate CA"), "\(issuer.output)")
        let plan = try rampart(["plan", "-i", acmeInventory, SiteLabChecks.site, "--detailed-exitcode"])
        #expect(plan.status == 0, "not converged after ACME:\n\(plan.stdout)")
    }
}
