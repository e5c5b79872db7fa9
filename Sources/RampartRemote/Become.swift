import RampartBasics

/// Privilege escalation with sudo. The password travels as the first line of stdin
/// (`sudo -S`), never in argv; without a password `sudo -n` fails fast instead of prompting.
public struct Become: Sendable {
    public var password: Secret?

    public init(password: Secret?) { self.password = password }

    /// The command wrapped for sudo, with the password (if any) prepended to its stdin.
    public func wrap(_ command: Command) -> Command {
        var wrapped = command
        let inner = ShellQuoting.quote(command.script)
        if let password {
            wrapped.script = "sudo -S -p '' -H -- sh -c \(inner)"
            wrapped.stdin = password.withRevealed { Array(($0 + "\n").utf8) } + command.stdin
        } else {
            wrapped.script = "sudo -n -H -- sh -c \(inner)"
        }
        return wrapped
    }

    /// A harmless command whose success proves sudo accepts the password; run once per session
    /// so a wrong password fails clearly instead of sudo consuming the payload's stdin as retries.
    public func probe() -> Command {
        var probe = wrap(Command("true", display: "sudo check"))
        probe.timeout = 30
        return probe
    }
}
