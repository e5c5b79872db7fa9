// A site file imports RampartDSL alone: the model's types of the same names (Host, Group,
// Play, Role, Inventory) stay out of its way; variables are the model's `Value`.
@_exported import enum RampartModel.Value
@_exported import enum RampartModel.Presence
