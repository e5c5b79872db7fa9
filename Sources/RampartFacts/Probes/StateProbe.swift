import RampartModel

/// The OS release, Rampart's manifest and handler journal — and, for manifest entries the
/// catalog no longer has (to be pruned), whether they still exist, in the other probes' formats.
enum StateProbe: FactProbe {
    static func section(for catalog: HostCatalog) -> ProbeSection? {
        let manifest = HostPaths.manifest(catalog.playbook)
        let current = catalog.resources.map { Sh.q($0.id.description) }
        let skip = current.isEmpty ? "" : "case \"$e\" in \(current.joined(separator: "|"))) continue ;; esac\n"
        // Asked only by conditions or templates that read them: two more processes a plain no-op does not pay.
        let asksMachine = catalog.templateFacts != nil || catalog.factConditions.contains(where: FactPaths.readsMachine)
        // MemTotal read by the shell itself: two processes, not three.
        let machine = asksMachine ? "m=; while read -r k v _; do [ \"$k\" = MemTotal: ] && { m=$v; break; }; done < /proc/meminfo\nprintf 'hw|%s|%s|%s\\n' \"$(dpkg --print-architecture)\" \"$(nproc)\" \"$m\"\n" : ""
        let script = """
        if [ -r /etc/os-release ]; then . /etc/os-release; printf 'os|%s|%s|%s|%s\\n' "$ID" "$VERSION_ID" "$ID_LIKE" "$VERSION_CODENAME"; fi
        \(machine)[ -r \(HostPaths.journal) ] && while IFS= read -r l; do printf 'J|%s\\n' "$l"; done 2>/dev/null < \(HostPaths.journal)
        [ -r \(manifest) ] && while IFS= read -r l; do printf 'M|%s\\n' "$l"
        e=${l%%\(ManagedEntry.separator)*}
        \(skip)k=${e%%:*}; n=${e#*:}
        case "$k" in
        file|download) \(ProbeLines.find("\"$n\"")); [ -e "\(HostPaths.original(""))$n" ] && printf 'O|%s\\n' "$n" ;;
        directory|symlink) \(ProbeLines.find("\"$n\"")) ;;
        package) \(ProbeLines.dpkg("\"$n\"", prefix: "P|")) ;;
        service) printf 'V|%s|%s\\n' "$n" "$(systemctl show -p LoadState,ActiveState,UnitFileState --value -- "$n.service" 2>/dev/null | tr '\\n' '|')" ;;
        user) getent passwd "$n" | sed 's/^/U|/' ;;
        group) getent group "$n" | sed 's/^/G|/' ;;
        sysctl) \(ProbeLines.find("\"\(HostPaths.sysctlFile("$n"))\"")) ;;
        systemd_unit) \(ProbeLines.find("\"\(SystemdUnitResource.directory)/$n\"")) ;;
        apt_repository) \(ProbeLines.find("\"\(AptRepositoryResource.sourcesPath("$n"))\" \"\(AptRepositoryResource.keyPath("$n"))\"")) ;;
        apt_preference) \(ProbeLines.find("\"\(AptPreferenceResource.directory)/$n\"")) ;;
        cron) \(ProbeLines.find("\"\(CronResource.path("$n"))\"")) ;;
        pam_limits) \(ProbeLines.find("\"\(PamLimitResource.path("$n"))\"")) ;;
        kernel_module) \(ProbeLines.find("\"\(KernelModuleResource.loadPath("$n"))\" \"\(KernelModuleResource.optionsPath("$n"))\"")) ;;
        esac
        done 2>/dev/null < \(manifest)
        true
        """
        return ProbeSection(name: "state", script: script) { output, facts in
            for line in output.split(separator: "\n") {
                let f = Sh.fields(line, 2)
                guard f.count == 2 else { continue }
                let rest = f[1]
                switch f[0] {
                case "os":
                    let parts = rest.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    if parts.count >= 2 {
                        facts.os = OperatingSystem(id: parts[0], version: parts[1], like: parts.count > 2 ? parts[2] : "",
                                                   codename: parts.count > 3 ? parts[3] : "")
                    }
                case "hw":
                    let parts = rest.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    if parts.count == 3, let cpus = Int(parts[1]), let kib = Int(parts[2]) {
                        facts.machine = MachineFacts(architecture: parts[0], cpus: cpus, memoryMB: kib / 1024)
                    }
                case "O": facts.originals.append(rest)
                case "M" where !rest.isEmpty: facts.manifest.append(ManagedEntry(rest))
                case "J":
                    // `kind:name action`: the action is one word, a name may hold spaces.
                    if let space = rest.lastIndex(of: " ") {
                        facts.pendingHandlers.append(PendingHandler(resource: String(rest[..<space]), action: String(rest[rest.index(after: space)...])))
                    }
                case "S":
                    if let (path, fact) = ProbeLines.file(Substring(rest)) { facts.files[path] = fact }
                case "P":
                    if let (name, fact) = ProbeLines.package(Substring(rest)) { facts.packages[name] = fact }
                case "V":
                    // systemctl prints the properties in its own fixed order: LoadState, ActiveState, UnitFileState.
                    let v = rest.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    if v.count >= 4 { facts.services[v[0]] = ServiceFact(loadState: v[1], activeState: v[2], unitFileState: v[3]) }
                case "U":
                    let u = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    if u.count >= 7, let uid = Int(u[2]), let gid = Int(u[3]) {
                        facts.users[u[0]] = UserFact(uid: uid, gid: gid, home: u[5], shell: u[6], groups: [])
                    }
                case "G":
                    let g = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    if g.count >= 4, let gid = Int(g[2]) { facts.groups[g[0]] = GroupFact(gid: gid, members: g[3].split(separator: ",").map(String.init)) }
                default: continue
                }
            }
        }
    }
}

import Foundation
