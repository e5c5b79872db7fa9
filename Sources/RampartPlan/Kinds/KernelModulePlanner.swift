import RampartBasics
import RampartFacts
import RampartModel

/// Kernel modules: their modules-load.d and modprobe.d files (Rampart's own, like cron's), then
/// the loaded state — `modprobe` when present and not loaded, `modprobe -r` when absent or
/// disabled and loaded. New parameters take effect when the module is next loaded (a loaded
/// module is never unloaded to apply them: it may be in use). A host that cannot see its
/// kernel's modules (a container) gets the files only, with a note.
enum KernelModulePlanner {
    static func plan(_ k: KernelModuleResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        let options = file(k.optionsPath, k.optionsContent, resource, &context)
        var steps = file(k.loadPath, k.loadContent, resource, &context) + options
        let facts = context.facts.kernelModules
        let loaded = facts?.loaded.contains(k.kernelName) == true
        let isLoaded = "grep -q \(Script.q("^\(k.kernelName) ")) /proc/modules || [ -d \(Script.q("/sys/module/\(k.kernelName)")) ]"
        if facts?.visible == false {
            if !steps.isEmpty {
                steps[steps.count - 1].note = "this host cannot see its kernel's modules (a container?): loading and unloading are left to the kernel's own host"
            }
            return steps
        }
        switch k.state {
        case .present where !loaded:
            steps.append(Step([id], .create, summary: "load \(k.name)", script: Script.make(converged: isLoaded, change: Self.modprobe + "\nmodprobe \(Script.q(k.name))"),
                              note: context.facts.assumed ? "whether it is loaded is known after apply" : nil))
        case .present:
            if !options.isEmpty && k.optionsContent != nil {
                steps[steps.count - 1].note = "\(k.name) is loaded: new parameters take effect when it is next loaded"
            }
        case .absent, .disabled:
            guard loaded else { break }
            steps.append(Step([id], .delete, summary: "unload \(k.name)",
                              script: Script.make(converged: "! { \(isLoaded); }", change: Self.modprobe + "\nmodprobe -r \(Script.q(k.name))")))
        }
        return steps
    }

    /// Stops with what to do when kmod (modprobe) is not installed (minimal images lack it).
    static let modprobe = "command -v modprobe >/dev/null || { echo 'modprobe is not installed: add `package: kmod` before the module' >&2; exit 1; }"

    /// One of the module's own files: written, or removed when it should not be there.
    static func file(_ path: String, _ content: String?, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        GeneratedFilePlanner.plan(path: path, content: content ?? "", state: content == nil ? .absent : .present, resource, &context)
    }

    /// The files of a module no longer in the playbook (it stays loaded until the next boot).
    static func deleteSteps(_ name: String, _ id: ResourceID, _ context: PlanContext) -> [Step] {
        [KernelModuleResource.loadPath(name), KernelModuleResource.optionsPath(name)].compactMap {
            GeneratedFilePlanner.deleteStep($0, id, context)
        }
    }
}
