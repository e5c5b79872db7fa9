// expect: missing argument for parameter #3 in call
import RampartDSL
let app = Role("app") {
    Command("migrate", run: "app migrate")
}
