// expect: cannot find 'nginxPackage' in scope
import RampartDSL
let web = Role("web") {
    Service("nginx").requires(nginxPackage)
}
