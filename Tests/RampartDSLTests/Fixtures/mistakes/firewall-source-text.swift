// expect: cannot convert value of type 'String' to expected element type 'TrafficSource'
import RampartDSL
let web = Role("web") {
    FirewallRule("https", port: 443, from: ["webservers"])
}
