import RampartFacts
import RampartModel

/// Kernel parameters: the runtime value (`sysctl -w`) and its file in /etc/sysctl.d/.
enum SysctlPlanner {
    static func plan(_ s: SysctlResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let wanted = s.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        let runtime = context.facts.sysctls[s.key]
        let file = HostPaths.sysctlFile(s.key)
        let content = HostPaths.sysctlContent(s.key, s.value)
        let fileFact = context.facts.files[file]
        let fileOK = !s.persist || fileFact?.sha256 == sha256Hex(Array(content.utf8))
        if runtime == nil && !context.facts.assumed {
            // /proc/sys has no such key: a typo, or a module not loaded.
            context.error("kernel parameter \(s.key) does not exist on this host", hint: "check the name with `sysctl -a`", resource: id)
            return []
        }
        guard runtime != wanted || !fileOK else { return [] }
        var changes: [String] = []
        if runtime != wanted { changes.append("\(runtime ?? "(known after apply)") → \(wanted)") }
        if !fileOK { changes.append(fileFact == nil ? "persist in \(file)" : "rewrite \(file)") }
        var lines: [String] = []
        if s.persist { lines.append("printf '%s' \(Script.q(content)) > \(Script.q(file))") }
        lines.append("sysctl -q -w \(Script.q("\(s.key)=\(s.value)"))")
        var converged = "[ \"$(sysctl -n \(Script.q(s.key)) | tr -s ' \\t' '  ')\" = \(Script.q(wanted)) ]"
        if s.persist { converged += " && printf '%s' \(Script.q(content)) | cmp -s - \(Script.q(file))" }
        return [Step([id], .update, summary: changes.joined(separator: ", "),
                     script: Script.make(converged: converged, change: lines.joined(separator: "\n")))]
    }

    static func deleteStep(_ key: String, _ id: ResourceID, _ context: PlanContext) -> Step? {
        let file = HostPaths.sysctlFile(key)
        guard context.facts.files[file] != nil else { return nil }
        return Step([id], .delete, summary: "remove \(file) (the running value stays until reboot)",
                    script: Script.make(converged: "[ ! -e \(Script.q(file)) ]", change: "rm -f \(Script.q(file))"))
    }
}
