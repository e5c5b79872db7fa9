// expect: cannot convert value of type 'String' to expected argument type 'HostTarget'
import RampartDSL
let drain = RollingHook(on: "lb1", run: "echo disable")
