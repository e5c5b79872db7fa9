// expect: missing argument for parameter 'key' in call
import RampartDSL
let web = Role("web") {
    Certificate("www", commonName: "www.foobar.com", cert: "/etc/nginx/tls/www.crt")
}
