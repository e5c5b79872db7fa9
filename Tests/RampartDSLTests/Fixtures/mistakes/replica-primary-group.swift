// expect: cannot convert value of type 'Group' to expected argument type 'HostTarget'
import RampartDSL
let db1 = Host("db1", address: "10.0.0.21")
let dbPrimary = Group("db_primary", hosts: [db1])
let replica = Role("replica") {
    Replication("default", primary: dbPrimary, user: "repl", password: "{{ replication_password }}")
}
