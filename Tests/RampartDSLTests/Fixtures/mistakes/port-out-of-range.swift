// expect: integer literal '70000' overflows when stored into 'Port'
import RampartDSL
let web = Role("web") {
    FirewallRule("https", port: 70000)
}
