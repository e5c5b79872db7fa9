import Foundation
import RampartFacts
import RampartModel

/// Locales as Debian makes them: the line in /etc/locale.gen uncommented (or added), then
/// `locale-gen`; with `default`, `update-locale LANG=…` (/etc/default/locale; new sessions see it).
enum LocalePlanner {
    static func plan(_ l: LocaleResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let facts = context.facts.locales
        if facts?.localeGen != true && !context.installing.contains("locales") && !context.facts.assumed {
            context.error("locale-gen is not installed on this host", hint: "add `package: locales` before the locale", resource: resource.id)
            return []
        }
        var steps: [Step] = []
        if facts?.generated.contains(l.normalized) != true {
            // Locale names hold letters, digits, `_ . @ -` and one space: safe in a sed expression.
            let commented = "^# *" + l.localeGenLine.replacingOccurrences(of: ".", with: "\\.") + "$"
            let line = Script.q(l.localeGenLine)
            let change = """
            f=/etc/locale.gen; [ -f "$f" ] || : > "$f"
            if grep -q \(Script.q(commented)) "$f"; then sed -i \(Script.q("s/\(commented)/\(l.localeGenLine)/")) "$f"; elif ! grep -qxF \(line) "$f"; then printf '%s\\n' \(line) >> "$f"; fi
            locale-gen
            """
            steps.append(Step([resource.id], .create, summary: "generate \(l.name)",
                              script: Script.make(converged: "locale -a 2>/dev/null | grep -qxF \(Script.q(l.normalized))", change: change)))
        }
        if l.isDefault && facts?.lang != l.name {
            steps.append(Step([resource.id], .update, summary: "LANG \(facts?.lang ?? "(unset)") → \(l.name)",
                              script: Script.make(converged: "grep -qx \(Script.q("LANG=\(l.name)")) /etc/default/locale 2>/dev/null",
                                                  change: "update-locale \(Script.q("LANG=\(l.name)"))")))
        }
        return steps
    }
}
