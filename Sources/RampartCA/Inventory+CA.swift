import Foundation
import RampartLoading
import RampartModel

extension CertificateAuthority {
    /// The inventory's CA folder: `ca: { directory: }`, else `.rampart/ca-<name>/` beside the
    /// inventory file (git-ignored), else `~/.rampart/ca-default` for an inventory built in Swift.
    public static func directory(for inventory: Inventory) -> String {
        if let directory = inventory.caDirectory { return directory }
        guard let file = inventory.declared.location?.file else {
            return NSString(string: "~/.rampart/ca-default").expandingTildeInPath
        }
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let folder = (absolute as NSString).deletingLastPathComponent
        let name = ((absolute as NSString).lastPathComponent as NSString).deletingPathExtension
        return folder + "/.rampart/ca-" + name
    }

    /// Opens (or creates) the inventory's CA.
    public static func open(for inventory: Inventory, vault: VaultPassword?) throws -> CertificateAuthority {
        let directory = directory(for: inventory)
        let name = ((inventory.declared.location?.file ?? "default") as NSString).lastPathComponent
        return try openOrCreate(directory: directory, name: (name as NSString).deletingPathExtension, vault: vault)
    }
}
