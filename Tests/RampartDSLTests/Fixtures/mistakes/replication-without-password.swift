// expect: missing argument for parameter 'password' in call
import RampartDSL
let db1 = Host("db1", address: "10.0.0.21")
let replica = Role("replica") {
    Replication("default", primary: .host(db1), user: "repl")
}
