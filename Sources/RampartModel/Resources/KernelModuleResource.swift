/// A kernel module: loaded now (`modprobe`) and at boot (/etc/modules-load.d), its parameters in
/// /etc/modprobe.d; or unloaded, or disabled (never loaded: modprobe's `blacklist` and an
/// `install … /bin/false` line, as OS-hardening roles do for cramfs, usb-storage …).
public struct KernelModuleResource: ResourceDescription {
    public static let kind = ResourceKind.kernelModule
    public static let loadDirectory = "/etc/modules-load.d"
    public static let optionsDirectory = "/etc/modprobe.d"

    public enum State: String, Sendable, Hashable, Codable, CaseIterable { case present, absent, disabled }

    /// The module's name as modprobe takes it (`br_netfilter`; `-` and `_` are the same to the kernel).
    public var name: String
    /// Module parameters (`options NAME key=value …`), applied when the module is next loaded.
    public var parameters: [String: String]
    /// Also load it at every boot (systemd-modules-load).
    public var boot: Bool
    public var state: State

    public init(_ name: String, parameters: [String: String] = [:], boot: Bool = true, state: State = .present) {
        self.name = name
        self.parameters = parameters
        self.boot = boot
        self.state = state
    }

    /// The name /proc/modules and /sys/module use.
    public var kernelName: String { name.replacingOccurrences(of: "-", with: "_") }

    public static func loadPath(_ name: String) -> String { "\(loadDirectory)/rampart-\(name).conf" }
    public static func optionsPath(_ name: String) -> String { "\(optionsDirectory)/rampart-\(name).conf" }
    public var loadPath: String { Self.loadPath(name) }
    public var optionsPath: String { Self.optionsPath(name) }

    /// The modules-load.d file's content (nil: no such file).
    public var loadContent: String? {
        state == .present && boot ? "# Managed by Rampart: kernel_module '\(name)'.\n\(name)\n" : nil
    }

    /// The modprobe.d file's content (nil: no such file).
    public var optionsContent: String? {
        switch state {
        case .absent: return nil
        case .disabled:
            return "# Managed by Rampart: kernel_module '\(name)' is disabled.\nblacklist \(name)\ninstall \(name) /bin/false\n"
        case .present:
            guard !parameters.isEmpty else { return nil }
            let options = parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }.joined(separator: " ")
            return "# Managed by Rampart: kernel_module '\(name)'.\noptions \(name) \(options)\n"
        }
    }

    /// The error of a kernel_module whose name modprobe does not take, with how to fix it (nil: fine).
    public static func nameError(_ name: String) -> (message: String, hint: String)? {
        problem(name: name).map { ("kernel_module '\(name)': \($0)", "as modprobe names it, e.g. `kernel_module: br_netfilter`") }
    }

    /// Why `name` is not a module name (nil when it is).
    public static func problem(name: String) -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            return "a module name has letters, digits, _ and - only"
        }
        return nil
    }

    /// Why a parameter is not one modprobe.d can hold (nil when it is).
    public static func problem(parameter key: String, value: String) -> String? {
        if key.isEmpty || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) {
            return "'\(key)' is not a parameter name (letters, digits, _ - .)"
        }
        if value.isEmpty || value.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            return "the value of '\(key)' is empty or holds a blank"
        }
        return nil
    }
}
