// expect: does not conform to expected type 'RoleUsable'
import RampartDSL
let webPlay = Play("web", hosts: Group("webservers"), roles: [Package("nginx")])
