# Workload for the Dnsmasq set (run by build_fresh.py generate Dnsmasq, as root).
# An upstream dnsmasq on :5354 (not logged) serves corp.test; the logged one on :5353
# forwards to it, has local names, a block list, a dead upstream for slow.test.
d=/tmp/lg/dns
up() {
  dnsmasq --port=5354 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --pid-file=$d/up.pid --local=/corp.test/ \
    --host-record=web.corp.test,10.0.0.10,fd00::10 --host-record=db.corp.test,10.0.0.11 \
    --host-record=ldap.corp.test,10.0.0.12 --host-record=mail.corp.test,10.0.0.25 \
    --mx-host=corp.test,mail.corp.test,10 --txt-record=corp.test,verification=8f3a1c \
    --srv-host=_ldap._tcp.corp.test,ldap.corp.test,389 --ptr-record=10.0.0.10.in-addr.arpa,web.corp.test
}
main() {
  dnsmasq --keep-in-foreground --port=5353 --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --server=127.0.0.1#5354 --server=/slow.test/127.0.0.1#5399 \
    --pid-file=$d/main.pid --log-queries --log-facility=$d/dnsmasq.log \
    --addn-hosts=$d/hosts --address=/ads.example.com/0.0.0.0 --address=/blocked.example.org/ \
    --cname=intranet.lan,web.corp.test --domain-needed --bogus-priv --cache-size="$1" \
    --local-ttl=2 --neg-ttl=5 --max-cache-ttl=4 "${@:2}" &
  sleep 1
}
q() { dig -p 5353 @127.0.0.1 +tries=1 +time=2 "$@" >/dev/null 2>&1; }
printf '192.168.7.1 router.lan router\n192.168.7.20 printer.lan\n192.168.7.30 nas.lan nas\n' > $d/hosts
up; main 64
names="web.corp.test db.corp.test ldap.corp.test mail.corp.test nosuch.corp.test router.lan printer.lan nas.lan ads.example.com tracker.ads.example.com blocked.example.org intranet.lan www.example.com"
for rnd in $(seq 1 "${ROUNDS:-12}"); do
  for n in $(printf '%s\n' $names | shuf -n 8 --random-source=<(yes $rnd)); do q "$n"; done
  q web.corp.test AAAA; q db.corp.test AAAA; q corp.test MX; q corp.test TXT
  q _ldap._tcp.corp.test SRV; q -x 10.0.0.10; q -x 192.168.7.20; q -x 192.168.1.99
  q router; q nas; q printer.lan AAAA
  [ $((rnd % 3)) = 0 ] && { q +tcp web.corp.test; q app.slow.test; q corp.test ANY; }
  [ $((rnd % 4)) = 1 ] && python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03bad', ('127.0.0.1', 5353))
s.sendto(b'garbage', ('127.0.0.1', 5353))"
  [ "$rnd" = 5 ] && { echo '192.168.7.40 camera.lan' >> $d/hosts; kill -HUP "$(cat $d/main.pid)"; sleep 0.5; q camera.lan; }
  [ "$rnd" = 7 ] && { kill "$(cat $d/up.pid)"; sleep 0.3; q web.corp.test; q fresh.corp.test; q db.corp.test MX; up; sleep 0.5; }
  [ $((rnd % 4)) = 0 ] && { kill -USR1 "$(cat $d/main.pid)"; sleep 0.3; }
  sleep 1
done
kill "$(cat $d/main.pid)"; sleep 0.5
# second start: a smaller cache, a missing hosts file, DNSSEC-less strict order
main 0 --strict-order --addn-hosts=$d/missing-hosts
for rnd in 1 2 3; do for n in $names; do q "$n"; done; q corp.test MX; done
kill -USR1 "$(cat $d/main.pid)"; sleep 0.3
kill "$(cat $d/main.pid)"; kill "$(cat $d/up.pid)"; sleep 0.5
