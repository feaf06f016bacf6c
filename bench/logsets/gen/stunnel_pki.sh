#!/bin/bash
# Throwaway PKI for the Stunnel set (fresh4): a CA, a server and a client certificate,
# and a second CA with its own client certificate.  Made at run time, never kept.
set -e
D=${1:-/tmp/lg/stunnel}
cd "$D"
o() { openssl "$@" >/dev/null 2>&1; }
o req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Bench CA"
o req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj "/CN=Other CA"
o req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
printf "subjectAltName=DNS:localhost,IP:127.0.0.1\n" > san.ext
o x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
for c in alice bob; do
  o req -newkey rsa:2048 -nodes -keyout $c.key -out $c.csr -subj "/CN=$c"
  o x509 -req -in $c.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $c.pem -days 2
done
o req -newkey rsa:2048 -nodes -keyout mallory.key -out mallory.csr -subj "/CN=mallory"
o x509 -req -in mallory.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -out mallory.pem -days 2
chmod 600 ./*.key
