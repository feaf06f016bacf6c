# Throwaway PKI for the OpenVPN set (build_fresh2.py generate OpenVPN): a CA, a server
# certificate, one client certificate per test user, and an "intruder" from another CA.
set -e
mkdir -p /tmp/lg/ovpn/pki && cd /tmp/lg/ovpn/pki
o() { openssl "$@" 2>/dev/null; }
o req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=Bench CA"
o req -x509 -newkey rsa:2048 -nodes -keyout rogue-ca.key -out rogue-ca.crt -days 30 -subj "/CN=Rogue CA"
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > srv.ext
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' > cli.ext
o req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=vpn.example.com"
o x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 30 -extfile srv.ext
for c in alice bob carol dave erin frank grace heidi; do
  o req -newkey rsa:2048 -nodes -keyout $c.key -out $c.csr -subj "/CN=$c"
  o x509 -req -in $c.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $c.crt -days 30 -extfile cli.ext
done
o req -newkey rsa:2048 -nodes -keyout intruder.key -out intruder.csr -subj "/CN=mallory"
o x509 -req -in intruder.csr -CA rogue-ca.crt -CAkey rogue-ca.key -CAcreateserial -out intruder.crt -days 30 -extfile cli.ext
openvpn --genkey tls-crypt ta.key
openvpn --genkey tls-crypt wrong-ta.key
cd .. && mkdir -p ccd
for c in alice bob carol dave grace heidi; do : > ccd/$c; done
echo 'ifconfig-push 10.8.0.50 255.255.255.0' > ccd/bob
echo 'push "dhcp-option DNS 10.8.0.1"' > ccd/carol
echo disable > ccd/frank
# the password check: the one throwaway password, in a root-only file
cat > check-pass.sh <<'EOS'
#!/bin/sh
[ "$(sed -n 2p "$1")" = "$(cat /tmp/lg/ovpn/pass)" ]
EOS
chmod 755 check-pass.sh
