// `import Rampart` gives a user's own package the whole declarative API: build an inventory and
// a playbook in Swift (or load them from YAML), compile them into each host's desired resources,
// plan them against a host's facts and apply the plan over any `HostConnection`.
@_exported import RampartApply
@_exported import RampartBasics
@_exported import RampartCatalog
@_exported import RampartFacts
@_exported import RampartLoading
@_exported import RampartModel
@_exported import RampartPlan
@_exported import RampartTemplates
