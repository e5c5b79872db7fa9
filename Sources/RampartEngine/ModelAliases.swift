import RampartModel

// Foundation also declares `Host`; inside this module the name means an inventory host.
typealias Host = RampartModel.Host
