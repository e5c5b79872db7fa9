// `import Rampart` gives a user's own package the whole declarative API: build an inventory and
// a playbook in Swift (or load them from YAML), compile them into each host's desired resources.
@_exported import RampartBasics
@_exported import RampartCatalog
@_exported import RampartLoading
@_exported import RampartModel
@_exported import RampartTemplates
