#!/bin/bash
# workload for the PostgreSQL log set
B=/usr/lib/postgresql/15/bin
H="-h /tmp/lg/pg -p 54329 -U postgres"
P="$B/psql $H -X -q"
$B/createdb $H bench
$B/pgbench $H -i -s 2 bench >/dev/null 2>&1
$B/pgbench $H -c 4 -j 2 -T 20 bench >/dev/null 2>&1
$B/pgbench $H -c 2 -j 1 -C -t 30 bench >/dev/null 2>&1
for i in $(seq 1 6); do
  $P -d bench -c "SELEC 1" 2>/dev/null
  $P -d bench -c "SELECT * FROM no_such_table_$i" 2>/dev/null
  $P -d bench -c "SELECT $i/0" 2>/dev/null
  $P -d bench -c "INSERT INTO pgbench_branches (bid,bbalance) VALUES ($i, 0)" 2>/dev/null
  $P -d bench -c "SELECT nosuchcol FROM pgbench_accounts LIMIT 1" 2>/dev/null
  $P -d nodb_$i -c "SELECT 1" 2>/dev/null
  $P -d bench -U ghost$i -c "SELECT 1" 2>/dev/null
  $P -d bench -c "CREATE TABLE t_$i (id serial primary key, v text); INSERT INTO t_$i(v) SELECT md5(g::text) FROM generate_series(1,$((i*2000))) g; CREATE INDEX ON t_$i(v);" 2>/dev/null
  $P -d bench -c "SET work_mem='64kB'; SELECT count(*) FROM (SELECT v FROM t_$i ORDER BY v) s" 2>/dev/null
  $P -d bench -c "SELECT 'abc'::int" 2>/dev/null
  $P -d bench -c "DROP TABLE nosuch_$i" 2>/dev/null
  $P -d bench -c "SELECT pg_sleep(0.0$i)" 2>/dev/null
done
# lock wait + deadlock
$P -d bench -c "CREATE TABLE dl (id int primary key, v int); INSERT INTO dl VALUES (1,0),(2,0);"
for k in 1 2 3; do
 ( $P -d bench -c "BEGIN; UPDATE dl SET v=v+1 WHERE id=1; SELECT pg_sleep(0.5); UPDATE dl SET v=v+1 WHERE id=2; COMMIT;" 2>/dev/null ) &
 ( $P -d bench -c "BEGIN; UPDATE dl SET v=v+1 WHERE id=2; SELECT pg_sleep(0.5); UPDATE dl SET v=v+1 WHERE id=1; COMMIT;" 2>/dev/null ) &
 wait
done
$P -d bench -c "VACUUM VERBOSE pgbench_history" 2>/dev/null
$P -d bench -c "ANALYZE pgbench_accounts" 2>/dev/null
$P -d bench -c "CHECKPOINT"
$B/pgbench $H -c 3 -j 1 -T 15 bench >/dev/null 2>&1
for i in $(seq 1 6); do $P -d bench -c "DROP TABLE t_$i"; done
$P -d bench -c "SET statement_timeout='100ms'; SELECT pg_sleep(1)" 2>/dev/null
$P -d bench -c "SET statement_timeout='100ms'; SELECT pg_sleep(1)" 2>/dev/null
$P -d postgres -c "SELECT pg_reload_conf()"
$P -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE 1=0"
sleep 8
