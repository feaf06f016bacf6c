#!/bin/bash
# workload for the redis log set: a primary (63790) and a replica (63791) logging to one file
cd /tmp/lg/redis
for r in m s; do p=$([ $r = m ] && echo 63790 || echo 63791); mkdir -p $r; rm -f $r/*; cat > $r.conf <<EOC
port $p
bind 127.0.0.1
daemonize no
loglevel verbose
logfile /tmp/lg/redis/redis.log
dir /tmp/lg/redis/$r
save 20 100
appendonly no
maxclients 50
timeout 3
repl-timeout 5
EOC
done
echo "replicaof 127.0.0.1 63790" >> s.conf
redis-server m.conf & MP=$!
sleep 1
R="redis-cli -p 63790"
for i in $(seq 1 30); do $R set k$i v$i >/dev/null; done
redis-server s.conf & SP=$!
sleep 3
$R config set loglevel verbose >/dev/null
$R config set repl-timeout 5 >/dev/null
redis-cli -p 63791 config set repl-timeout 5 >/dev/null
$R config set client-output-buffer-limit "pubsub 100kb 50kb 5" >/dev/null
for round in $(seq 1 14); do
  redis-benchmark -p 63790 -q -n 2000 -c 5 -t set,get,lpush >/dev/null 2>&1
  $R bgsave >/dev/null; sleep 1
  $R config set maxmemory $((round*10))mb >/dev/null
  $R config set hz $((10+round)) >/dev/null
  $R debug sleep 0.2 >/dev/null
  $R client kill type normal >/dev/null 2>&1
  $R config rewrite >/dev/null 2>&1
  redis-cli -p 63790 nosuchcommand >/dev/null 2>&1
  ( sleep 4 ) | redis-cli -p 63790 >/dev/null 2>&1 &   # idle client, dropped by timeout
  $R bgrewriteaof >/dev/null; sleep 1
  if [ $round = 3 ] || [ $round = 9 ]; then kill -STOP $SP; sleep 9; kill -CONT $SP; sleep 2; fi
  if [ $round = 4 ]; then ( redis-cli -p 63790 subscribe chan >/dev/null & S=$!; sleep 0.5; kill -STOP $S; for j in $(seq 1 40); do $R publish chan "$(head -c 60000 /dev/zero | tr '\0' x)" >/dev/null; done; kill -CONT $S; kill $S ) 2>/dev/null; fi
  if [ $round = 7 ]; then for j in $(seq 1 60); do ( sleep 2 ) | redis-cli -p 63790 >/dev/null 2>&1 & done; sleep 3; fi
  if [ $round = 8 ]; then $R set tmpkey v ex 1 >/dev/null; $R debug populate 20000 >/dev/null; for j in $(seq 1 50); do $R set e$j v px $((j*30)) >/dev/null; done; fi
  if [ $round = 11 ]; then $R config set save "" >/dev/null; $R config set appendonly yes >/dev/null; sleep 2; $R config set appendonly no >/dev/null; fi
  if [ $round = 5 ]; then redis-cli -p 63791 replicaof no one >/dev/null; sleep 2; redis-cli -p 63791 replicaof 127.0.0.1 63790 >/dev/null; fi
  if [ $round = 6 ]; then redis-cli -p 63791 shutdown nosave >/dev/null 2>&1; wait $SP; sleep 2; redis-server s.conf & SP=$!; fi
  $R save >/dev/null
  $R flushall >/dev/null
  sleep 3
done
redis-cli -p 63791 shutdown >/dev/null 2>&1
sleep 1
$R shutdown >/dev/null 2>&1
wait
