import RampartBasics
import RampartFacts
import RampartModel

/// The time zone as Debian keeps it (what `timedatectl set-timezone` and tzdata's debconf do):
/// /etc/localtime a link to the zone's file under /usr/share/zoneinfo, /etc/timezone its name.
/// Processes started before read the old zone until they restart.
enum TimezonePlanner {
    static func plan(_ t: TimezoneResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let zones = context.catalog.resources.filter { $0.id.kind == .timezone }
        if zones.count > 1 {
            if zones.first?.id == resource.id {
                context.error("this host is given \(zones.count) time zones (\(zones.map(\.id.name).joined(separator: ", ")))",
                              hint: "keep one `timezone:` per host", resource: resource.id)
            }
            return []
        }
        if ![FileFact.Kind.regular, .symlink].contains(context.facts.files[t.zoneinfo]?.kind ?? .other) && !context.facts.assumed && context.fileComesFrom(t.zoneinfo) == nil {
            context.error("there is no time zone '\(t.name)' on this host (\(t.zoneinfo))",
                          hint: "a name as in `timedatectl list-timezones`, e.g. Europe/Paris; tzdata must be installed", resource: resource.id)
            return []
        }
        let link = SymlinkResource(TimezoneResource.localtime, target: "/usr/share/zoneinfo/\(t.name)")
        var steps = SymlinkPlanner.plan(link, resource, &context)
        steps += GeneratedFilePlanner.plan(path: TimezoneResource.timezoneFile, content: t.name + "\n", state: .present, resource, &context)
        return steps
    }
}
