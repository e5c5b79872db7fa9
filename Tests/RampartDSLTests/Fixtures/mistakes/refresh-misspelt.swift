// expect: has no member 'relaod'
import RampartDSL
let web = Role("web") {
    Service("nginx", refresh: .relaod)
}
