// expect: cannot convert value of type 'Int' to expected argument type 'FileMode'
import RampartDSL
let web = Role("web") {
    File("/etc/motd", .text("hello\n"), mode: 644)
}
