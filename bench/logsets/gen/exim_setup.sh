#!/bin/bash
# Set up the fresh4 Exim run under $1 (/tmp/lg/exim): the config (root-owned and listed
# as trusted, so that root may start exim4 -C with it), spool, mailboxes, aliases and a
# throwaway PLAIN password (random, never logged).
set -e
D=${1:-/tmp/lg/exim}
G=$(cd "$(dirname "$0")" && pwd)
rm -rf "$D" && mkdir -p "$D/spool" "$D/mail" "$D/log"
install -m 644 -o root -g root "$G/exim4.conf" "$D/exim4.conf"
grep -qx "$D/exim4.conf" /etc/exim4/trusted_configs 2>/dev/null || echo "$D/exim4.conf" >> /etc/exim4/trusted_configs
chown root:root /etc/exim4/trusted_configs && chmod 644 /etc/exim4/trusted_configs
head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$D/pw"
chmod 640 "$D/pw" && chgrp Debian-exim "$D/pw"
cat > "$D/aliases" <<'A'
support: alice, bob
sales: carol
postmaster: alice
nobody: :fail: this person has left the company
oldstaff: :defer: mailbox is being moved
abuse: |/usr/bin/false
A
chown -R Debian-exim:Debian-exim "$D/spool" "$D/mail" "$D/log"
chmod 755 "$D"
