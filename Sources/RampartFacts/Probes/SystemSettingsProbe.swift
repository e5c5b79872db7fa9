import RampartModel

/// Alternatives groups (`update-alternatives --query`) and locales (`locale -a`, LANG) the
/// catalog sets: asked only when it has such resources.
enum SystemSettingsProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        var groups: [String] = []
        var locales = false
        for resource in catalog.resources {
            if case .alternatives(let a) = resource.spec, !groups.contains(a.name) { groups.append(a.name) }
            if case .locale = resource.spec { locales = true }
        }
        guard !groups.isEmpty || locales else { return nil }
        var script = ""
        for group in groups {
            script += "update-alternatives --query \(Sh.q(group)) 2>/dev/null | sed -n 's/^Value: /V|\(group)|/p; s/^Alternative: /C|\(group)|/p'\n"
        }
        if locales {
            script += "locale -a 2>/dev/null | sed 's/^/L|/'\n"
            script += "sed -n 's/^LANG=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}$/D|\\1/p' /etc/default/locale 2>/dev/null\n"
            script += "[ -x /usr/sbin/locale-gen ] && echo G\n"
        }
        script += "true"
        let asksLocales = locales
        return ProbeSection(name: "settings", script: script) { output, facts in
            var generated: [String] = [], lang: String?, localeGen = false
            for line in output.split(separator: "\n") {
                let f = Sh.fields(line, 3)
                switch f[0] {
                case "V" where f.count == 3: facts.alternatives[f[1], default: AlternativesFact(value: "", candidates: [])].value = f[2]
                case "C" where f.count == 3: facts.alternatives[f[1], default: AlternativesFact(value: "", candidates: [])].candidates.append(f[2])
                case "L" where f.count >= 2: generated.append(Sh.fields(line, 2)[1])
                case "D" where f.count >= 2: lang = Sh.fields(line, 2)[1]
                case "G": localeGen = true
                default: continue
                }
            }
            if asksLocales { facts.locales = LocaleFacts(generated: generated, lang: lang, localeGen: localeGen) }
        }
    }
}
