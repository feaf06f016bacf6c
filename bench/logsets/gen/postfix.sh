# Postfix settings for the Postfix log set (run by build_fresh.py generate Postfix, as root)
set -e
mkdir -p /tmp/lg/postfix && chown postfix /tmp/lg/postfix
postconf -e 'maillog_file_prefixes = /var, /dev/stdout, /tmp/lg' \
  'maillog_file = /tmp/lg/postfix/maillog' \
  'mynetworks = 127.0.0.2/32' \
  'smtpd_helo_required = yes' \
  'smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname' \
  'smtpd_sender_restrictions = reject_non_fqdn_sender' \
  'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination' \
  'smtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_unlisted_recipient' \
  'message_size_limit = 200000' 'smtpd_timeout = 8s' 'smtpd_error_sleep_time = 0' \
  'smtpd_soft_error_limit = 3' 'smtpd_hard_error_limit = 6' \
  'smtpd_client_connection_count_limit = 5' 'smtpd_tls_loglevel = 1' \
  'smtp_tls_security_level = none' 'smtp_connect_timeout = 3s' \
  'transport_maps = hash:/etc/postfix/bench_transport' \
  'queue_run_delay = 20s' 'minimal_backoff_time = 20s' 'maximal_backoff_time = 40s'
cat > /etc/postfix/bench_transport <<'T'
accept.test smtp:[127.0.0.1]:2596
tempfail.test smtp:[127.0.0.1]:2597
reject.test smtp:[127.0.0.1]:2598
refused.test smtp:[127.0.0.1]:2599
T
postmap /etc/postfix/bench_transport
sed -i 's/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:2525 inet n - n - - smtpd/' /etc/postfix/master.cf
postconf -F '*/*/chroot = n'
id benchmail >/dev/null 2>&1 || useradd -m -s /usr/sbin/nologin benchmail
grep -q '^sales:' /etc/aliases || printf 'sales: benchmail\nteam: benchmail, nobody-here\nbroken: "|/bin/false"\n' >> /etc/aliases
newaliases
