import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished command printed and how it ended.
struct CommandOutput: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The one way RampartLab runs other programs: resolved absolute path, captured output,
/// and `LabError.commandFailed` (with the command and its stderr) when it fails.
enum Shell {
    /// Root's PATH is often minimal (sudo, cron); the lab's tools live in sbin.
    static let searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path of `tool`, searching $PATH and then the sbin/bin directories.
    static func which(_ tool: String) -> String? {
        let fileManager = FileManager.default
        if tool.hasPrefix("/") { return fileManager.isExecutableFile(atPath: tool) ? tool : nil }
        let fromEnvironment = (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map(String.init)
        for directory in fromEnvironment + searchPath where !directory.isEmpty {
            let candidate = directory + "/" + tool
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a command to completion; throws `commandFailed` on a non-zero exit.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: Data? = nil,
                    environment: [String: String] = [:]) throws -> CommandOutput {
        let output = try execute(tool, arguments, input: input, environment: environment)
        guard output.status == 0 else {
            let message = output.stderr.isEmpty ? output.stdout : output.stderr
            throw LabError.commandFailed(command: render(tool, arguments), status: output.status,
                                         stderr: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return output
    }

    /// For questions answered by the exit status (is it running? does it exist?): never throws;
    /// a tool that is missing or cannot start reads as status 127.
    static func probe(_ tool: String, _ arguments: [String]) -> CommandOutput {
        (try? execute(tool, arguments, input: nil, environment: [:]))
            ?? CommandOutput(status: 127, stdout: "", stderr: "\(tool): could not be started")
    }

    /// Runs a command and returns whatever happened, failing only if it cannot be started.
    static func execute(_ tool: String, _ arguments: [String], input: Data?,
                        environment: [String: String]) throws -> CommandOutput {
        guard let path = which(tool) else {
            throw LabError.missingTool(tool, package: Prerequisites.package(for: tool))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = childEnvironment(adding: environment)

        // stderr goes to a file rather than a second pipe: no reader thread, no pipe deadlock.
        let stderrPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("rampart-lab-\(UUID().uuidString).stderr").path
        guard FileManager.default.createFile(atPath: stderrPath, contents: nil),
              let stderrHandle = FileHandle(forWritingAtPath: stderrPath) else {
            throw LabError.fileSystem(path: stderrPath, reason: "cannot create a temporary file for a command's stderr")
        }
        defer {
            try? stderrHandle.close()
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        let stdoutPipe = Pipe()
        let stdinPipe: Pipe? = input == nil ? nil : Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrHandle
        if let stdinPipe {
            process.standardInput = stdinPipe
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        do {
            try process.run()
        } catch {
            throw LabError.commandFailed(command: render(tool, arguments), status: 127,
                                         stderr: "could not start \(path): \(error)")
        }
        if let stdinPipe, let input {
            // Inputs here are a few bytes (a recipe string): far below the pipe buffer.
            try? stdinPipe.fileHandleForWriting.write(contentsOf: input)
            try? stdinPipe.fileHandleForWriting.close()
        }
        let stdoutData = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrData = FileManager.default.contents(atPath: stderrPath) ?? Data()
        var status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal { status += 128 }
        return CommandOutput(status: status,
                             stdout: String(decoding: stdoutData, as: UTF8.self),
                             stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts a long-lived daemon in its own session (so a Ctrl-C at the terminal that ran
    /// `up` does not reach it), stdin from /dev/null, stdout+stderr appended to `logPath`.
    ///
    /// A tiny sh prologue first writes its own pid into each `cgroup.procs` file and into
    /// `pidPath`, then execs the command: the pid file names the daemon itself, and
    /// everything it forks is born in the right cgroup. Returns the daemon's pid.
    static func launchDetached(_ command: [String], logPath: String, pidPath: String,
                               cgroupProcsFiles: [String] = []) throws -> Int32 {
        guard let tool = command.first else {
            throw LabError.invalidConfiguration("internal: empty command for a detached launch")
        }
        guard let executable = which(tool) else {
            throw LabError.missingTool(tool, package: Prerequisites.package(for: tool))
        }
        guard let setsid = which("setsid") else {
            throw LabError.missingTool("setsid", package: Prerequisites.package(for: "setsid"))
        }
        let prologue = #"pidfile=$1; n=$2; shift 2; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; echo $$ > "$pidfile" || exit 98; exec "$@""#
        let arguments = ["/bin/sh", "-c", prologue, "rampart-lab-launch", pidPath, String(cgroupProcsFiles.count)]
            + cgroupProcsFiles + [executable] + Array(command.dropFirst())

        try? FileManager.default.removeItem(atPath: pidPath)
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw LabError.fileSystem(path: logPath, reason: "cannot open the log file for writing")
        }
        _ = log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setsid)
        // `-f`: always fork, so our direct child exits at once and the daemon is a grandchild.
        // Foundation's Process on Linux does a blocking waitpid on a child as soon as the child
        // closes the descriptors it inherited (nspawn and apt-cacher-ng do), which would wedge
        // every later Process call while the daemon lives.
        process.arguments = ["-f"] + arguments
        process.environment = childEnvironment(adding: [:])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            try? log.close()
            throw LabError.commandFailed(command: render(tool, Array(command.dropFirst())), status: 127,
                                         stderr: "could not start: \(error)")
        }
        try? log.close() // the child holds its own descriptor

        let deadline = ProcessInfo.processInfo.systemUptime + 5
        while ProcessInfo.processInfo.systemUptime < deadline {
            if let text = ProcFS.readText(pidPath),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
                return pid
            }
            // `setsid -f` exits 0 once it has forked; only a non-zero exit before the pid
            // file appears is a failure.
            if !process.isRunning && process.terminationStatus != 0 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw LabError.commandFailed(command: render(tool, Array(command.dropFirst())), status: -1,
                                     stderr: "did not start; last lines of \(logPath):\n" + Text.tail(ofFile: logPath, lines: 15))
    }

    /// A command line for messages, quoted the way a shell would need it.
    static func render(_ tool: String, _ arguments: [String]) -> String {
        ([tool] + arguments).map { argument -> String in
            let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@+%".contains($0) }
            return plain && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }.joined(separator: " ")
    }

    /// Stable, parseable messages (C locale), and sbin on PATH for tools that call tools.
    private static func childEnvironment(adding extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let path = environment["PATH"] ?? ""
        environment["PATH"] = (path.isEmpty ? "" : path + ":") + searchPath.joined(separator: ":")
        environment["LC_ALL"] = "C"
        for (key, value) in extra { environment[key] = value }
        return environment
    }
}

/// Small text helpers for messages: tails of logs without terminal colour codes.
enum Text {
    /// The last `lines` lines of a file, ANSI escapes removed; "" if unreadable.
    static func tail(ofFile path: String, lines: Int) -> String {
        guard let text = ProcFS.readText(path) else { return "" }
        return tail(text, lines: lines)
    }

    static func tail(_ text: String, lines: Int) -> String {
        let all = stripANSI(text).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return all.suffix(lines).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Removes `ESC [ ... letter` sequences (systemd colours its console status lines).
    static func stripANSI(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var inEscape = false
        var sawBracket = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if !sawBracket {
                    sawBracket = true
                    if scalar != "[" { inEscape = false }
                    continue
                }
                if (scalar.value >= 0x40 && scalar.value <= 0x7E) { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                sawBracket = false
                continue
            }
            if scalar == "\r" { continue }
            result.append(scalar)
        }
        return String(result)
    }
}
