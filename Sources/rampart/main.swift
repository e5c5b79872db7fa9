import RampartCLI

await RampartCommand.start()
