/// A scheduled job as its own /etc/cron.d file (`rampart-NAME`), run as `user`.
public struct CronResource: ResourceDescription {
    public static let kind = ResourceKind.cron
    public static let directory = "/etc/cron.d"
    public static let specials = ["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    /// Letters, digits, `-` and `_` only: cron ignores /etc/cron.d files with other names.
    public var name: String
    /// Five fields (`30 2 * * *`) or one of `specials`.
    public var schedule: String
    public var user: String
    public var command: String
    /// Where cron mails the job's output (`MAILTO`; empty: nowhere).
    public var mailto: String?
    public var state: Presence

    public init(_ name: String, schedule: String, user: String = "root", command: String, mailto: String? = nil, state: Presence = .present) {
        self.name = name
        self.schedule = schedule
        self.user = user
        self.command = command
        self.mailto = mailto
        self.state = state
    }

    public var path: String { Self.path(name) }
    public static func path(_ name: String) -> String { "\(directory)/rampart-\(name)" }

    public var content: String {
        var lines = ["# Managed by Rampart: cron '\(name)'.", "SHELL=/bin/sh", "PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin"]
        if let mailto { lines.append("MAILTO=\(mailto)") }
        lines.append("\(schedule) \(user) \(command)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The error of cron job `name` whose schedule cron does not read, with how to fix it (nil: fine).
    public static func scheduleError(_ schedule: String, of name: String) -> (message: String, hint: String)? {
        problem(schedule: schedule).map { ("`schedule` of cron '\(name)': \($0)", "e.g. `schedule: \"30 2 * * *\"` or `@daily`") }
    }

    /// Why `schedule` is not one cron reads (nil when it is).
    public static func problem(schedule: String) -> String? {
        if schedule.hasPrefix("@") { return specials.contains(schedule) ? nil : "'\(schedule)' is not one of \(specials.joined(separator: " "))" }
        let fields = schedule.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5 else { return "a schedule has 5 fields (minute hour day month weekday), this has \(fields.count)" }
        let names = [[], [], [], ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
                     ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]]
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        let what = ["minute", "hour", "day of month", "month", "day of week"]
        for (index, field) in fields.enumerated() {
            for item in field.split(separator: ",", omittingEmptySubsequences: false) {
                var base = Substring(item)
                if let slash = item.firstIndex(of: "/") {
                    guard let step = Int(item[item.index(after: slash)...]), step > 0 else { return "the step in '\(item)' (\(what[index])) is not a number" }
                    base = item[..<slash]
                }
                if base == "*" { continue }
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { return "'\(item)' is not a valid \(what[index])" }
                for bound in bounds {
                    if names[index].contains(bound.lowercased()) && bounds.count == 1 { continue }
                    guard let n = Int(bound), ranges[index].contains(n) else {
                        return "'\(bound)' is not a valid \(what[index]) (\(ranges[index].lowerBound)–\(ranges[index].upperBound))"
                    }
                }
            }
        }
        return nil
    }
}
