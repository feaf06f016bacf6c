-- prosody 0.12.3 for the fresh6 Prosody set (paths under /tmp/lg/prosody)
pidfile = "/tmp/lg/prosody/prosody.pid"
data_path = "/tmp/lg/prosody/data"
daemonize = false
admins = { "alice@localhost" }
modules_enabled = {
    "roster"; "saslauth"; "disco"; "private"; "vcard4"; "vcard_legacy"; "blocklist";
    "version"; "uptime"; "time"; "ping"; "register"; "offline"; "posix"; "carbons"; "pep";
    "lastactivity"; "limits"; "watchregistrations";
}
modules_disabled = { "s2s" }
c2s_ports = { 5229 }
c2s_interfaces = { "127.0.0.1" }
component_ports = { 5348 }
component_interfaces = { "127.0.0.1" }
http_ports = {}
https_ports = {}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
allow_registration = true
min_seconds_between_registrations = 0
authentication = "internal_hashed"
storage = "internal"
c2s_timeout = 6
limits = { c2s = { rate = "8kb/s"; burst = "2s" } }
log = { { levels = { min = "debug" }, to = "file", filename = "/tmp/lg/prosody/prosody.log" } }
VirtualHost "localhost"
VirtualHost "example.org"
    enabled = false
Component "bot.localhost"
    component_secret = "@COMPSECRET@"
