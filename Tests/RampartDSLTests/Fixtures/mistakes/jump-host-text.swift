// expect: cannot convert value of type 'String' to expected element type 'Host'
import RampartDSL
let connection = Connection(user: "deploy", jump: ["bastion"])
