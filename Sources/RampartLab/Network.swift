import Foundation

/// The lab's bridge: the control node's address on it, and nothing else.
///
/// Deliberately no NAT, no forwarding (net.ipv4.ip_forward is never touched) and no gateway
/// in the hosts: the only way out of the lab is the package proxy on the bridge address.
struct LabNetwork: Sendable {
    let bridge: String
    let address: String
    let prefixLength: Int

    /// Fails if the bridge address, or a subnet overlapping the lab's, is on another interface.
    /// Run after cleanup, so a bridge left over by a crashed run does not count.
    func checkAddressFree() throws {
        guard let ours = IPv4Address(address) else {
            throw LabError.invalidConfiguration("bridgeAddress '\(address)' is not an IPv4 address")
        }
        let listing = try Shell.run("ip", ["-o", "-4", "addr", "show"]).stdout
        for line in listing.split(separator: "\n") {
            // "2: eth0    inet 192.0.2.2/24 brd ... scope global eth0"
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 4, fields[2] == "inet" else { continue }
            let interface = String(fields[1].split(separator: "@").first ?? "")
            guard interface != bridge else { continue }
            let parts = fields[3].split(separator: "/")
            guard let other = IPv4Address(String(parts[0])) else { continue }
            let otherPrefix = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
            if other == ours {
                throw LabError.addressInUse("\(address) is already assigned to interface \(interface)")
            }
            let shorter = min(otherPrefix, prefixLength)
            if interface != "lo", other.isInSubnet(of: ours, prefixLength: shorter) {
                throw LabError.addressInUse("the lab subnet \(ours.network(prefixLength: prefixLength))/\(prefixLength) overlaps \(fields[3]) on interface \(interface)")
            }
        }
    }

    func bridgeExists() -> Bool {
        Shell.probe("ip", ["-o", "link", "show", "dev", bridge]).status == 0
    }

    func create() throws {
        try Shell.run("ip", ["link", "add", bridge, "type", "bridge"])
        try Shell.run("ip", ["addr", "add", "\(address)/\(prefixLength)", "dev", bridge])
        try Shell.run("ip", ["link", "set", "dev", bridge, "up"])
    }

    /// Deletes the bridge if it exists; refuses to delete an interface of that name that is not a bridge.
    func remove() throws {
        let details = Shell.probe("ip", ["-d", "-o", "link", "show", "dev", bridge])
        guard details.status == 0 else { return }
        guard details.stdout.contains(" bridge ") else {
            throw LabError.addressInUse("interface \(bridge) exists and is not a bridge; choose another bridge name in the lab configuration")
        }
        try Shell.run("ip", ["link", "del", "dev", bridge])
    }
}
