// The control: a small site without mistakes compiles (so each mistake below fails for its own reason).
import RampartDSL
let web1 = Host("web1", address: "10.0.0.11")
let lb1 = Host("lb1", address: "10.0.0.10")
let webservers = Group("webservers", hosts: [web1])
let nginx = Package("nginx")
let web = Role("web") {
    nginx
    FirewallRule("https", port: 443, from: [.group(webservers), .host(lb1), .network("10.0.0.0/8")])
    Service("nginx", refresh: .reload).requires(nginx)
    File("/etc/motd", .text("hello\n"), mode: "0644")
    Command("init", run: "touch /x", .creates("/x"))
}
let webPlay = Play("web", hosts: webservers, roles: [web], serial: 1,
                   beforeEach: RollingHook(on: .host(lb1), run: "true"))
let lbPlay = Play("lb", hosts: lb1, roles: [web.with(["x": 1])], after: [webPlay])
let site = Site("site", inventory: Inventory("lab", connection: Connection(port: 2222, jump: [lb1]), hosts: [web1, lb1], groups: [webservers])) {
    webPlay
    lbPlay
}
