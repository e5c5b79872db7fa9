/// What Rampart does with each OpenSSH client keyword.
enum SSHConfigKeyword {
    /// Resolved and used to connect (see `ResolvedSSHConfig`).
    static let used: Set<String> = [
        "host", "match", "include", "hostname", "user", "port", "identityfile", "identitiesonly", "identityagent",
        "proxyjump", "userknownhostsfile", "globalknownhostsfile", "stricthostkeychecking", "connecttimeout",
        "serveraliveinterval", "serveralivecountmax", "ignoreunknown",
    ]

    /// Keywords that change how `ssh` would reach or authenticate to a host, which Rampart does not
    /// do: a host whose resolved config sets one (to anything but an off value such as `no` or
    /// `none`) gets a warning naming the file:line. Keywords that only change how ssh tries
    /// (GSSAPI first, a control socket, a TTY) are in `ignored`: Rampart still reaches the host.
    static let changesConnecting: [String: String] = [
        "proxycommand": "Rampart connects directly or through ProxyJump / connection.jump, never through a command",
        "hostkeyalias": "host keys are looked up under the host name and port",
        "certificatefile": "user certificates are not offered; plain keys are",
        "pkcs11provider": "smartcard/HSM keys are not used; files and the agent are",
        "securitykeyprovider": "FIDO keys are not used",
        "ciphers": "libssh2 negotiates its own algorithm lists",
        "kexalgorithms": "libssh2 negotiates its own algorithm lists",
        "hostkeyalgorithms": "libssh2 negotiates its own algorithm lists",
        "macs": "libssh2 negotiates its own algorithm lists",
        "pubkeyacceptedalgorithms": "libssh2 negotiates its own algorithm lists",
        "pubkeyacceptedkeytypes": "libssh2 negotiates its own algorithm lists",
        "addressfamily": "every address the name resolves to is tried",
        "bindaddress": "the source address is the system's choice",
        "bindinterface": "the source interface is the system's choice",
        "canonicalizehostname": "host names are not canonicalised",
        "knownhostscommand": "only known_hosts files are read",
        "verifyhostkeydns": "SSHFP records are not consulted",
    ]

    /// Values that leave a `changesConnecting` keyword without effect.
    static let offValues: Set<String> = ["no", "none", "false", "off", "any"]

    /// Every other keyword OpenSSH 9.2 knows: read and ignored without a word (forwarding, escape
    /// characters, X11, logging, …). A keyword in none of these lists gets a warning (a typo, or
    /// a newer OpenSSH's keyword); `IgnoreUnknown` silences it as it does for ssh.
    static let ignored: Set<String> = [
        "addkeystoagent", "connectionattempts", "hostbasedauthentication", "gssapiauthentication",
        "pubkeyauthentication", "preferredauthentications", "remotecommand", "requesttty", "controlmaster",
        "controlpath", "updatehostkeys", "checkhostip", "batchmode", "canonicaldomains", "canonicalizefallbacklocal", "canonicalizemaxdots",
        "canonicalizepermittedcnames", "casignaturealgorithms", "clearallforwardings", "compression",
        "controlpersist", "dynamicforward", "enableescapecommandline", "enablesshkeysign", "escapechar",
        "exitonforwardfailure", "fingerprinthash", "forkafterauthentication", "forwardagent", "forwardx11",
        "forwardx11timeout", "forwardx11trusted", "gatewayports", "gssapidelegatecredentials", "gssapikeyexchange",
        "gssapiclientidentity", "gssapiserveridentity", "gssapirenewalforcesrekey", "gssapitrustdns",
        "gssapikexalgorithms", "hashknownhosts", "hostbasedacceptedalgorithms", "hostbasedkeytypes",
        "ipqos", "kbdinteractiveauthentication", "kbdinteractivedevices", "challengeresponseauthentication",
        "localcommand", "localforward", "loglevel", "logverbose", "nohostauthenticationforlocalhost",
        "numberofpasswordprompts", "passwordauthentication", "permitlocalcommand", "permitremoteopen",
        "proxyusefdpass", "rekeylimit", "remoteforward", "revokedhostkeys", "requiredrsasize", "sendenv",
        "sessiontype", "setenv", "stdinnull", "streamlocalbindmask", "streamlocalbindunlink",
        "syslogfacility", "tcpkeepalive", "tunnel", "tunneldevice", "usekeychain", "userknownhostsfile2",
        "visualhostkey", "xauthlocation", "protocol", "cipher", "useprivilegedport", "rhostsrsaauthentication",
        "rsaauthentication", "compressionlevel", "fallbacktorsh", "usersh", "useroaming", "globalknownhostsfile2",
        "identityfile2", "smartcarddevice", "rhostsauthentication", "dsaauthentication", "kerberosauthentication",
        "kerberostgtpassing", "afstokenpassing",
    ]
}
