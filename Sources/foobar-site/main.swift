import FoobarSite
import RampartCLI

// `rampart` with the reference site built in: `swift run foobar-site plan`, `… apply`, `… verify`.
await RampartCommand.main(site: foobar)
