// expect: cannot convert value of type 'String' to expected argument type 'Int'
import RampartDSL
let web = Role("web") { Package("nginx") }
let webPlay = Play("web", hosts: Group("webservers"), roles: [web], serial: "one")
