// swift-tools-version:6.0
// Rampart: infrastructure as code for a secured, monitored web infrastructure.
// Targets follow ../shared/ARCHITECTURE.md; every arrow points down the list.
import PackageDescription

// Tests that `import Rampart` also list what it re-exports: incremental builds do not always
// notice a changed struct layout behind `@_exported import` (stale test objects crash).
let exportedByRampart: [Target.Dependency] = ["RampartBasics", "RampartModel", "RampartLoading", "RampartTemplates",
                                              "RampartCatalog", "RampartFacts", "RampartPlan", "RampartApply"]

let package = Package(
    name: "Rampart",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rampart", targets: ["rampart"]),
        .library(name: "Rampart", targets: ["Rampart"]),
        // A site written in Swift: `import RampartDSL` in its files, `RampartCommand.main(site:)` in its main.swift.
        .library(name: "RampartDSL", targets: ["RampartDSL"]),
        .library(name: "RampartCommandLine", targets: ["RampartCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/stencilproject/Stencil", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        /// Diagnostics (what, where, how to fix), Secret, small concurrency helpers. No dependencies.
        .target(name: "RampartBasics"),
        /// Pure Sendable values: inventory, hosts, groups, connection settings, resources, and the compiled `Catalog` (no Stencil below the compiler).
        .target(name: "RampartModel", dependencies: ["RampartBasics"]),
        /// YAML → model with file:line:col diagnostics (inventories, playbooks, roles, vars files); vault files. The one loader.
        .target(name: "RampartLoading", dependencies: [
            "RampartBasics", "RampartModel", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        /// Stencil rendering, strict: undefined variables and unstable output are errors at template:line:col; secrets stay marked.
        .target(name: "RampartTemplates", dependencies: ["RampartBasics", "RampartModel", "Stencil", "Yams", "CLibCrypt",
                                                         .product(name: "Crypto", package: "swift-crypto")]),
        /// libxcrypt (Debian: libcrypt-dev), the system's own crypt(3): password hashes as /etc/shadow holds them. Imported by RampartTemplates only.
        .systemLibrary(name: "CLibCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        /// Inventory + playbook + templates → each host's concrete desired resources, with every problem found at once. Pure.
        .target(name: "RampartCatalog", dependencies: ["RampartBasics", "RampartModel", "RampartTemplates",
                                                       .product(name: "Crypto", package: "swift-crypto")]),
        /// Transport-neutral remote execution: HostConnection, Command (quoting, masked secrets), results, errors.
        .target(name: "RampartRemote", dependencies: ["RampartBasics"]),
        /// libssh2 as a system library (Debian: libssh2-1-dev). Imported by RampartSSH only.
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        /// HostConnection over libssh2: TCP_NODELAY, known_hosts, agent/key auth, exec with stdin, own threads.
        .target(name: "RampartSSH", dependencies: [
            "RampartBasics", "RampartRemote", "CLibSSH2",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        /// OpenSSH's client configuration (~/.ssh/config, Include, Host/Match, tokens) → what `ssh NAME` would use. Reads files only.
        .target(name: "RampartSSHConfig", dependencies: ["RampartBasics", .product(name: "Crypto", package: "swift-crypto")]),
        /// The local lab: Debian 12 servers as systemd-nspawn containers on a private bridge.
        .target(name: "RampartLab", dependencies: ["RampartBasics"]),
        /// The internal CA on the control node (swift-certificates, ECDSA P-256): issues and renews hosts' TLS certificates.
        .target(name: "RampartCA", dependencies: [
            "RampartBasics", "RampartModel", "RampartLoading",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        /// Facts: each resource kind's POSIX-sh probe + parser, batched into ONE exec per host.
        .target(name: "RampartFacts", dependencies: ["RampartBasics", "RampartModel", "RampartRemote",
                                                     .product(name: "Crypto", package: "swift-crypto")]),
        /// Plan: catalog + facts → ordered steps with diffs and guarded scripts; one file per resource kind. Pure, no I/O.
        .target(name: "RampartPlan", dependencies: ["RampartBasics", "RampartModel", "RampartFacts", "RampartRemote",
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        /// Apply: walks a plan over connections (lock, guarded steps, journalled handlers, manifest); events to an observer.
        .target(name: "RampartApply", dependencies: ["RampartBasics", "RampartModel", "RampartFacts", "RampartPlan", "RampartRemote"]),
        /// The engine: sessions per host, facts with the lock, planning, the apply operation (saved-plan check, confirmation,
        /// fail-fast, rolls, lock release) over a `Connector`, reporting to an `ApplyView`. No terminal, no SSH.
        .target(name: "RampartEngine", dependencies: ["RampartBasics", "RampartModel", "RampartFacts", "RampartPlan",
                                                      "RampartApply", "RampartRemote"]),
        /// What belongs to the reference deployment's own commands — verify's checks, status's panels, the database
        /// switchover — with the site's parts found by the inventory's groups and vars (`SiteLayout`), not literals.
        .target(name: "RampartSite", dependencies: ["RampartBasics", "RampartModel", "RampartPlan", "RampartApply", "RampartRemote"]),
        /// The public library: `import Rampart` brings the model, its DSL, the loader, the catalog and `Project` (all files loaded together).
        .target(name: "Rampart", dependencies: ["RampartBasics", "RampartModel", "RampartLoading", "RampartTemplates", "RampartCatalog",
                                                "RampartFacts", "RampartPlan", "RampartApply"]),
        /// The site in Swift: typed hosts, groups, roles, plays and resources (handles, not names), written out as the
        /// declarations the YAML loaders read, so a Swift site and its YAML compile to one catalog.
        .target(name: "RampartDSL", dependencies: ["Rampart", "RampartBasics", "RampartModel", "RampartLoading"]),
        /// The reference deployment for www.foobar.com written in Swift (kept in step with playbooks/site.yml and inventories/lab.yml).
        .target(name: "FoobarSite", dependencies: ["RampartDSL"]),
        /// `foobar-site`: `rampart` with the Swift reference site built in (`swift run foobar-site plan`).
        .executableTarget(name: "foobar-site", dependencies: ["FoobarSite", "RampartCLI"]),
        /// Commands, views and exit codes; the composition root.
        .target(name: "RampartCLI", dependencies: [
            "Rampart", "RampartDSL", "RampartBasics", "RampartModel", "RampartLoading", "RampartTemplates", "RampartCatalog",
            "RampartFacts", "RampartPlan", "RampartApply", "RampartEngine", "RampartSite", "RampartCA", "RampartRemote", "RampartSSH", "RampartSSHConfig", "RampartLab",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        /// For tests: a real OpenSSH sshd on loopback, `ScriptedConnection` (a `HostConnection` answering from a script), `LocalShell`.
        .target(name: "RampartTestSupport", dependencies: ["RampartSSH", "RampartRemote", "RampartBasics"]),
        /// `bench/`: transport figures against the loopback sshd (printed, never asserted).
        .executableTarget(name: "rampart-bench", dependencies: ["RampartSSH", "RampartRemote", "RampartBasics", "RampartTestSupport"],
                          path: "bench/Sources"),
        /// The `rampart` executable: one line.
        .executableTarget(name: "rampart", dependencies: ["RampartCLI"]),

        .testTarget(name: "RampartModelTests", dependencies: ["RampartModel", "RampartBasics", "RampartTestSupport"]),
        .testTarget(name: "RampartRemoteTests", dependencies: ["RampartRemote", "RampartBasics"]),
        // Fixtures are read from the source tree (#filePath), not bundled.
        .testTarget(name: "RampartLoadingTests", dependencies: ["RampartLoading", "RampartModel", "RampartBasics", "RampartTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RampartTemplatesTests", dependencies: ["RampartTemplates", "RampartModel", "RampartBasics", "RampartTestSupport"]),
        // Uses only the public `Rampart` library, as a user's own package would.
        .testTarget(name: "RampartCatalogTests", dependencies: ["Rampart"] + exportedByRampart, exclude: ["Fixtures"]),
        // Planning as data: resources + facts in, steps out (Fixtures/*.yml).
        .testTarget(name: "RampartPlanTests", dependencies: ["Rampart", "Yams", "RampartTestSupport"] + exportedByRampart, exclude: ["Fixtures"]),
        // The engine's decisions over scripted hosts, in milliseconds.
        .testTarget(name: "RampartEngineTests", dependencies: ["RampartEngine", "RampartApply", "RampartModel", "RampartPlan", "RampartFacts",
                                                               "RampartRemote", "RampartBasics", "RampartTestSupport"]),
        // The lock's and probes' real shell scripts run by the local `sh`; no host needed.
        .testTarget(name: "RampartApplyTests", dependencies: ["RampartApply", "RampartFacts", "RampartModel", "RampartRemote", "RampartBasics",
                                                              "RampartTestSupport"]),
        // Probes run by the local `sh`, and each parser fed the real output captured from the lab (Fixtures/).
        .testTarget(name: "RampartFactsTests", dependencies: ["RampartFacts", "RampartModel", "RampartBasics", "RampartTestSupport"],
                    exclude: ["Fixtures"]),
        // The command line as data: parsing, the plan and the closing table as text.
        .testTarget(name: "RampartCLITests", dependencies: ["RampartCLI", "RampartApply", "RampartPlan", "RampartModel", "RampartBasics",
                                                            "RampartLoading", "RampartSSH", "RampartSSHConfig", "RampartRemote", "RampartTestSupport", "RampartEngine",
                                                            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The Swift site against the YAML site (one catalog), and mistakes the compiler must refuse (Fixtures/mistakes).
        .testTarget(name: "RampartDSLTests", dependencies: ["RampartDSL", "FoobarSite", "Rampart", "RampartTestSupport"] + exportedByRampart,
                    exclude: ["Fixtures"]),
        .testTarget(name: "RampartSiteTests", dependencies: ["RampartSite", "RampartModel", "RampartBasics"]),
        .testTarget(name: "RampartCATests", dependencies: ["RampartCA", "RampartBasics", "RampartLoading"]),
        // The resolver against OpenSSH itself: every corpus config (Fixtures/) compared with `ssh -G`, field by field.
        .testTarget(name: "RampartSSHConfigTests", dependencies: ["RampartSSHConfig", "RampartBasics", "RampartTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RampartSSHTests", dependencies: ["RampartSSH", "RampartRemote", "RampartBasics", "RampartTestSupport"]),
        .testTarget(name: "RampartLabTests", dependencies: ["RampartLab", "RampartCLI", "RampartEngine", "RampartSSH", "RampartRemote", "Rampart", "RampartTestSupport"] + exportedByRampart,
                    exclude: ["Fixtures"]),
    ]
)
