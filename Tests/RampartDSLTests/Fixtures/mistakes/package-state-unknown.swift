// expect: has no member 'installed'
import RampartDSL
let web = Role("web") {
    Package("nginx", state: .installed)
}
