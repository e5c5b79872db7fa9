// expect: cannot find 'web3' in scope
import RampartDSL
let web1 = Host("web1", address: "10.0.0.11")
let webservers = Group("webservers", hosts: [web1, web3])
