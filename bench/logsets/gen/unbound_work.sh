#!/bin/bash
# Workload for unbound (fresh3): dig queries of several kinds from three sources, reloads.
C="$(cd "$(dirname "$0")" && pwd)/unbound.conf"
U="unbound-control -c $C"
q() { dig +tries=1 +time=2 -p 5391 "$@" >/dev/null 2>&1; }
for r in $(seq 1 ${ROUNDS:-12}); do
  for n in www.example.com mail.example.com ns.example.com example.com nosuch$r.example.com; do q @127.0.0.1 $n A; done
  q @127.0.0.1 www.example.com AAAA; q @127.0.0.1 example.com MX; q @127.0.0.1 example.com TXT
  q @127.0.0.1 _ldap._tcp.example.com SRV; q @127.0.0.1 -x 192.0.2.10; q @127.0.0.1 example.com SOA
  q @127.0.0.1 tracker$r.ads.example.net A; q @127.0.0.1 x$r.blocked.example.org A
  q @127.0.0.1 host$r.internal.example A; q @127.0.0.1 printer.lan.example A
  q @127.0.0.1 db$r.corp.example A; q @127.0.0.1 www.debian.org A; q @127.0.0.1 example.com ANY
  q @127.0.0.2 -b 127.0.0.2 www.example.com A; q @127.0.0.1 -b 127.0.0.3 www.example.com A
  q @127.0.0.1 +tcp www.example.com A; q @127.0.0.1 example.com AXFR
  if [ $((r % 3)) = 0 ]; then $U reload >/dev/null; sleep 1; fi
  if [ $((r % 4)) = 1 ]; then $U flush www.example.com >/dev/null; $U flush_zone corp.example >/dev/null; $U stats_noreset >/dev/null; fi
  if [ $((r % 5)) = 2 ]; then $U local_data "tmp$r.example.com. 60 IN A 192.0.2.$r" >/dev/null; q @127.0.0.1 tmp$r.example.com A; $U local_data_remove tmp$r.example.com >/dev/null; fi
  if [ $((r % 6)) = 3 ]; then $U verbosity 2 >/dev/null; q @127.0.0.1 www.example.com A; q @127.0.0.1 db$r.corp.example A; $U verbosity 1 >/dev/null; fi
  if [ $((r % 7)) = 4 ]; then $U dump_cache >/dev/null; $U list_forwards >/dev/null; $U forward_add other.example. 127.0.0.1@5398 >/dev/null; q @127.0.0.1 a.other.example A; $U forward_remove other.example. >/dev/null; fi
done
