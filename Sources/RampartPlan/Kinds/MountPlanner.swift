import RampartBasics
import RampartFacts
import RampartModel

/// Mounts: the fstab entry as an edit of /etc/fstab (diff, written only over the content it was
/// computed from), then the mounted state from /proc/self/mounts — mounted (the mount point
/// made), remounted when its entry changed or it is read-only against `opts`, or unmounted.
/// After fstab changes, systemd's daemon-reload runs before the mount (its mount units come
/// from fstab). A mount dropped from the playbook is left as it is (unmounting data is not
/// configuration): `state: absent` takes it out.
enum MountPlanner {
    static func plan(_ m: MountResource, _ resource: Resource, _ context: inout PlanContext) -> [Step] {
        let id = resource.id
        var steps: [Step] = []
        if m.inFstab != nil { steps += FileEditPlanner.plan(.mount(m), resource, &context) }
        let fstabChanged = !steps.isEmpty
        let live = context.facts.mounts?[m.path]
        let note = context.facts.assumed ? "whether it is mounted is known after apply" : nil
        let p = Script.q(m.path)
        let mounted = "mountpoint -q \(p)"
        switch m.state {
        case .mounted:
            guard let live else {
                steps.append(Step([id], .create, summary: "mount \(m.source) (\(m.fstype))",
                                  script: Script.make(converged: mounted, change: "mkdir -p \(p)\nmount \(p)"), note: note))
                break
            }
            if live.fstype != m.fstype || (comparesSource(m) && live.source != m.source) {
                steps.append(Step([id], .update, summary: "remount: \(live.source) (\(live.fstype)) is mounted there, not \(m.source) (\(m.fstype))",
                                  script: Script.make(converged: nil, change: "umount \(p)\nmount \(p)")))
            } else if fstabChanged || live.readOnly != wantsReadOnly(m) {
                let why = fstabChanged ? "its fstab entry changed" : live.readOnly ? "mounted read-only" : "mounted read-write, opts say ro"
                steps.append(Step([id], .update, summary: "remount (\(why))",
                                  script: Script.make(converged: nil, change: "mount -o remount \(p)")))
            }
        case .present:
            break
        case .unmounted, .absent:
            guard live != nil else { break }
            // An empty mount point goes with an absent mount (as Ansible's); never its contents.
            let change = "umount \(p)" + (m.state == .absent ? "\nrmdir \(p) 2>/dev/null || true" : "")
            steps.append(Step([id], .delete, summary: "unmount \(live!.source) (\(live!.fstype))",
                              script: Script.make(converged: "! \(mounted)", change: change)))
        }
        return steps
    }

    /// Whether `step` is a mount's fstab edit (it carries the new fstab; the mount steps carry nothing).
    static func writesFstab(_ step: Step) -> Bool {
        step.payload != nil && step.resources.contains { $0.kind == .mount }
    }

    /// A source the kernel reports as written: not `UUID=`/`LABEL=` (resolved to a device), not a
    /// device path (may be a link to one), not a bind mount (reported as the device).
    static func comparesSource(_ m: MountResource) -> Bool {
        !m.source.contains("=") && !m.source.hasPrefix("/") && !m.options.split(separator: ",").contains { $0 == "bind" || $0 == "rbind" }
    }

    static func wantsReadOnly(_ m: MountResource) -> Bool { m.options.split(separator: ",").contains("ro") }
}
