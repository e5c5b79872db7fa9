// rampart-bench: transport figures against a real OpenSSH sshd on loopback.
// Prints medians; never asserts a time (timing asserts flake). Run through `bench/run`.
import Foundation
import RampartBasics
import RampartRemote
import RampartSSH
import RampartTestSupport

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

func ms(_ seconds: Double) -> String { String(format: "%7.2f ms", seconds * 1000) }

let arguments = CommandLine.arguments
let connectRuns = Int(ProcessInfo.processInfo.environment["BENCH_CONNECTS"] ?? "") ?? 30
let execRuns = 50

let server = try LoopbackSSHServer()
defer { server.stop() }
try server.writeKnownHosts()
let benchUser = "rampartbench"
try LoopbackSSHServer.ensurePlainUser(benchUser)
var options = server.options(hostName: "bench")
options.user = benchUser

// Warm-up: first connection pays for loading keys, libssh2_init, page faults.
await (try SSHConnection.connect(options)).close()

var connectTimes: [Double] = []
for _ in 0..<connectRuns {
    let start = Monotonic.now()
    let connection = try await SSHConnection.connect(options)
    connectTimes.append(Monotonic.now() - start)
    await connection.close()
}

let connection = try await SSHConnection.connect(options)
var execTimes: [Double] = []
for _ in 0..<execRuns {
    let start = Monotonic.now()
    _ = try await connection.run(Command("true"))
    execTimes.append(Monotonic.now() - start)
}
let sequentialStart = Monotonic.now()
for _ in 0..<execRuns { _ = try await connection.run(Command("true")) }
let sequentialTotal = Monotonic.now() - sequentialStart

// 100 checks batched into one exec versus 100 execs: why facts are gathered in one round trip.
let checks = (0..<100).map { "test -e /etc/hostname-\($0) && echo y || echo n" }.joined(separator: "; ")
var batchTimes: [Double] = []
for _ in 0..<20 {
    let start = Monotonic.now()
    _ = try await connection.run(Command(checks))
    batchTimes.append(Monotonic.now() - start)
}
let execs = connection.execCount
await connection.close()

print("""
rampart transport benchmark (loopback OpenSSH on port \(server.port), user \(benchUser) with /bin/sh, ed25519 key)
  connect + kex + host key check + auth   median \(ms(median(connectTimes)))   (\(connectRuns) runs)
  exec `true` on the reused session       median \(ms(median(execTimes)))   (\(execRuns) runs)
  50 sequential execs of `true`            total  \(ms(sequentialTotal))
  100 checks batched in one exec           median \(ms(median(batchTimes)))   (20 runs)
  exec channels opened on the session      \(execs)
""")
if arguments.contains("--json") {
    let object: [String: Any] = ["connect_ms": median(connectTimes) * 1000, "exec_ms": median(execTimes) * 1000,
                                 "sequential50_ms": sequentialTotal * 1000, "batch100_ms": median(batchTimes) * 1000]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

fflush(nil)  // the C reference prints next; keep the order

// The C floor against the same sshd and key, when bench/run built it.
if let flag = arguments.firstIndex(of: "--reference"), flag + 1 < arguments.count {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[flag + 1])
    process.arguments = [String(server.port), server.clientKey, benchUser, String(connectRuns)]
    try process.run()
    process.waitUntilExit()
}
