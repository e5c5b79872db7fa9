// expect: cannot convert value of type 'Role' to expected element type 'Play'
import RampartDSL
let web = Role("web") { Package("nginx") }
let lb = Role("lb") { Package("haproxy") }
let lbPlay = Play("lb", hosts: Group("loadbalancers"), roles: [lb], after: [web])
