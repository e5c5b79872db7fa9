// expect: cannot find 'webPlay' in scope
import RampartDSL
let lb = Role("lb") { Package("haproxy") }
let lbPlay = Play("lb", hosts: Group("loadbalancers"), roles: [lb], after: [webPlay])
