// expect: missing argument for parameter 'state' in call
import RampartDSL
let web = Role("web") {
    File("/etc/motd", mode: "0644")
}
