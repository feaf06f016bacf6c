# Workload for the Bind9 set (run by build_fresh2.py generate Bind9, as root).
# Queries of many types, refused recursion, zone transfers with and without the key,
# dynamic updates (approved, denied, bad signature, failed prerequisite), a secondary
# zone fed by a second named, a dead primary, rndc reload/reconfig/freeze/thaw/flush/
# notify/retransfer/querylog/stats, a zone file with errors, a missing one, malformed
# packets, a restart.
set -u
d=/tmp/lg/bind; G=$(dirname "$(readlink -f "$0")")
R="rndc -s 127.0.0.1 -p 9953 -k $d/rndc.key"
q() { dig -p 5300 @127.0.0.1 +tries=1 +time=2 "$@" >/dev/null 2>&1; }
up() { named -c $G/named-up.conf -f & sleep 1.5; }
start() { named -c $G/named.conf -f & sleep 2; }
upd() { nsupdate -y "hmac-sha256:update-key:$(cat $d/update.secret)" "$@" >/dev/null 2>&1; }
soa() { printf '$TTL 300\n@ IN SOA ns1.%s. hostmaster.%s. (%s 60 30 600 60)\n@ IN NS ns1.%s.\nns1 IN A 127.0.0.1\n' "$1" "$1" "$2" "$1"; }
mkzones() {
  { soa example.com 2026120101
    printf '@ IN MX 10 mail\n@ IN TXT "v=spf1 mx -all"\nwww IN A 192.0.2.10\nwww IN AAAA 2001:db8::10\nmail IN A 192.0.2.25\n'
    printf 'api IN CNAME www\n_imap._tcp IN SRV 0 0 143 mail\n*.dev IN A 192.0.2.99\n'; } > $d/main/db.example.com
  { soa example.net 1; printf 'www IN A 198.51.100.7\nftp IN A 198.51.100.8\n'; } > $d/main/db.example.net
  { soa 7.168.192.in-addr.arpa 1; printf '1 IN PTR router.example.com.\n20 IN PTR printer.example.com.\n'; } > $d/main/db.192.168.7
  { soa broken.example 1; printf 'www IN A 300.1.2.3\nbad IN BADTYPE x\n'; } > $d/main/db.broken
  { soa sec.example 100; printf 'app IN A 192.0.2.50\ndb IN A 192.0.2.51\n'; } > $d/up/db.sec.example
}
names="www.example.com mail.example.com api.example.com nosuch.example.com x.dev.example.com www.example.net ftp.example.net gone.example.net app.sec.example db.sec.example www.example.org mirror.debian.example app.dead.example"
mkzones
up; start
for rnd in $(seq 1 "${ROUNDS:-8}"); do
  for n in $(printf '%s\n' $names | shuf -n 7 --random-source=<(yes $rnd)); do q "$n"; done
  q example.com MX; q example.com TXT; q www.example.com AAAA; q _imap._tcp.example.com SRV
  q -x 192.168.7.20; q -x 192.168.7.99; q example.com SOA +tcp; q example.com NS +norec
  q example.com ANY +nocookie; q www.example.com A +dnssec +nsid
  # zone transfers
  dig -p 5300 @127.0.0.1 example.com AXFR -y "hmac-sha256:xfer-key:$(cat $d/xfer.secret)" >/dev/null 2>&1
  q example.com AXFR; q example.net IXFR=1
  # dynamic updates
  h="host$rnd"
  upd <<U
server 127.0.0.1 5300
zone example.com
update add $h.example.com 300 A 192.0.2.$((100 + rnd))
update add $h.example.com 300 TXT "round $rnd"
send
U
  [ $((rnd % 2)) = 0 ] && upd <<U
server 127.0.0.1 5300
zone example.com
update delete host$((rnd - 1)).example.com A
send
U
  upd <<U
server 127.0.0.1 5300
zone example.com
prereq nxdomain www.example.com
update add www.example.com 300 A 192.0.2.11
send
U
  nsupdate >/dev/null 2>&1 <<U
server 127.0.0.1 5300
zone example.com
update add evil.example.com 300 A 203.0.113.66
send
U
  nsupdate -y "hmac-sha256:update-key:$(cat $d/wrong.secret)" >/dev/null 2>&1 <<U
server 127.0.0.1 5300
zone example.com
update add evil.example.com 300 A 203.0.113.66
send
U
  upd <<U
server 127.0.0.1 5300
zone example.net
update add evil.example.net 300 A 203.0.113.66
send
U
  upd <<U
server 127.0.0.1 5300
zone 7.168.192.in-addr.arpa
update add $((30 + rnd)).7.168.192.in-addr.arpa 300 PTR $h.example.com.
send
U
  # the secondary: a change on the primary is notified and transferred
  [ $((rnd % 2)) = 1 ] && { upd <<U
server 127.0.0.1 5301
zone sec.example
update add node$rnd.sec.example 300 A 192.0.2.$((60 + rnd))
send
U
  sleep 2; q node$rnd.sec.example; }
  # malformed packets
  [ $((rnd % 3)) = 0 ] && python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03bad', ('127.0.0.1', 5300))
s.sendto(b'garbage', ('127.0.0.1', 5300))"
  # operator commands
  case $((rnd % 4)) in
    0) $R reload >/dev/null; sleep 1; $R querylog off >/dev/null; q www.example.com; $R querylog on >/dev/null;;
    1) $R freeze example.com >/dev/null; $R thaw example.com >/dev/null; $R notify example.com >/dev/null;;
    2) $R reload example.net >/dev/null; $R flush >/dev/null; $R stats >/dev/null; $R retransfer sec.example >/dev/null;;
    3) $R reconfig >/dev/null; $R refresh dead.example >/dev/null; $R sync -clean example.com >/dev/null; $R status >/dev/null;;
  esac
  [ $((rnd % 12)) = 3 ] && { rndc -s 127.0.0.1 -p 9953 -k $d/wrong-rndc.key status >/dev/null 2>&1; $R frobnicate >/dev/null 2>&1; }
  [ $((rnd % 12)) = 4 ] && { # a new serial for example.net, then a broken edit, then the fix
    { soa example.net 2; printf 'www IN A 198.51.100.7\nftp IN A 198.51.100.9\nnew IN A 198.51.100.10\n'; } > $d/main/db.example.net
    $R reload example.net >/dev/null 2>&1; sleep 1
    { soa example.net 3; printf 'www IN A 198.51.100.7\nftp IN CNAME\n'; } > $d/main/db.example.net
    $R reload example.net >/dev/null 2>&1; sleep 1
    { soa example.net 4; printf 'www IN A 198.51.100.7\nftp IN A 198.51.100.9\n'; } > $d/main/db.example.net
    $R reload example.net >/dev/null 2>&1; }
  [ $((rnd % 12)) = 5 ] && { $R stop >/dev/null; sleep 2; start; }
  sleep 1
done
$R stop >/dev/null; sleep 2
rndc -s 127.0.0.1 -p 9954 -k $d/rndc.key stop >/dev/null; sleep 1
