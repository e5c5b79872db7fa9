// expect: cannot find 'dbservers' in scope
import RampartDSL
let db = Role("db") { Package("mariadb-server") }
let play = Play("db", hosts: dbservers, roles: [db])
