// expect: cannot convert value of type 'Role' to expected argument type 'Group'
import RampartDSL
let monitoring = Role("monitoring") { Package("prometheus") }
let web = Role("web") {
    FirewallRule("metrics", port: 9113, from: [.group(monitoring)])
}
