// expect: overflows when stored into unsigned type 'Port'
import RampartDSL
let web = Role("web") {
    FirewallRule("https", ports: [443, -1])
}
