#!/bin/bash
# Drive the fresh5 mariadbd (gen/mariadb.cnf, copied to WORKDIR/my.cnf) with sessions and
# failures, and restart it.  Usage: mariadb_work.sh WORKDIR ROUNDS  (WORKDIR/pw holds the
# throwaway password of the "app" user, which mariadbd never logs)
# Kinds: good sessions, wrong passwords, unknown users, a user without rights on a
# database, idle clients past wait_timeout, killed clients, connections closed before or
# during the handshake, junk bytes, packets over max_allowed_packet, too many connections
# (for the server and for one user), KILL, unsafe statements for the STATEMENT binary
# log, failing scheduled events, a MyISAM table damaged between two runs, a start with an
# unknown option, and clean shutdowns and starts.
set -u
D=$1; ROUNDS=$2; PW=$(cat "$D/pw")
CNF=$D/my.cnf; SOCK=$D/mysqld.sock
root() { mariadb --defaults-file=$CNF -uroot -S $SOCK "$@"; }
app() { mariadb -h127.0.0.1 -P33069 -uapp -p"$PW" "$@"; }
start() {
  mariadbd --defaults-file=$CNF "$@" &
  for _ in $(seq 1 60); do [ -S $SOCK ] && root -e 'select 1' >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}
stop() { mariadb-admin --defaults-file=$CNF -uroot -S $SOCK shutdown 2>/dev/null; wait; }
junk() {  # raw TCP: $1 bytes to send then close
  python3 -c "import socket,sys,time; s=socket.create_connection(('127.0.0.1',33069)); s.recv(200) if sys.argv[1]!='none' else None; s.sendall(bytes.fromhex(sys.argv[2])) if sys.argv[2] else None; time.sleep(float(sys.argv[3])); s.close()" "$@" 2>/dev/null
}
start
root <<SQL
CREATE DATABASE shop; CREATE DATABASE hr;
CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '$PW' WITH MAX_USER_CONNECTIONS 6;
CREATE USER 'app'@'localhost' IDENTIFIED BY '$PW';
GRANT ALL ON shop.* TO 'app'@'127.0.0.1'; GRANT ALL ON shop.* TO 'app'@'localhost';
CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40), qty INT, ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB;
CREATE TABLE shop.audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(60)) ENGINE=InnoDB;
CREATE TABLE shop.legacy (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=MyISAM;
INSERT INTO shop.legacy VALUES (1,'a'),(2,'b'),(3,'c');
SQL
app shop -e "CREATE DEFINER=CURRENT_USER EVENT ev_cleanup ON SCHEDULE EVERY 7 SECOND DO DELETE FROM shop.nosuchtable WHERE 1"
for n in $(seq 1 "$ROUNDS"); do
  app shop -e "INSERT INTO orders (item, qty) VALUES ('part$n', $((RANDOM % 9))); SELECT COUNT(*) FROM orders" >/dev/null 2>&1
  app shop -e "INSERT INTO audit (note) SELECT item FROM orders ORDER BY RAND() LIMIT 1" >/dev/null 2>&1
  [ $((n % 2)) = 0 ] && app shop -e "UPDATE orders SET qty = qty + 1 LIMIT 2" >/dev/null 2>&1
  mariadb -h127.0.0.1 -P33069 -uapp -p"wrong$n" -e 'select 1' >/dev/null 2>&1
  [ $((n % 3)) = 0 ] && mariadb -h127.0.0.1 -P33069 -u"guest$((n % 4))" -pnone -e 'select 1' >/dev/null 2>&1
  [ $((n % 4)) = 1 ] && app hr -e 'select 1' >/dev/null 2>&1
  [ $((n % 3)) = 1 ] && (sleep 7 | app shop >/dev/null 2>&1 &)  # idle past wait_timeout
  [ $((n % 4)) = 2 ] && timeout -s KILL 1 mariadb -h127.0.0.1 -P33069 -uapp -p"$PW" shop -e 'select sleep(3)' >/dev/null 2>&1
  case $((n % 5)) in
    0) junk none "" 0.1 ;;  # closed before the greeting is read
    1) junk greet "" 4 ;;   # no handshake answer: connect_timeout
    2) junk greet "0500000001ffffffff" 0.2 ;;  # a broken handshake packet
    3) python3 -c "print('INSERT INTO audit (note) VALUES (\'' + 'x' * 70000 + '\');')" | app shop >/dev/null 2>&1 ;;
    4) app shop -e "SELECT * FROM nosuch" >/dev/null 2>&1 ;;
  esac
  if [ $((n % 6)) = 5 ]; then  # too many connections, for the user and for the server
    for k in $(seq 1 8); do (sleep 3 | app shop >/dev/null 2>&1 &); done
    for k in $(seq 1 6); do (sleep 3 | mariadb --defaults-file=$CNF -uroot -S $SOCK >/dev/null 2>&1 &); done
    sleep 1; (sleep 3 | app shop >/dev/null 2>&1 &); sleep 4
  fi
  if [ $((n % 7)) = 3 ]; then  # the operator kills a session
    (app shop -e 'select sleep(5)' >/dev/null 2>&1 &); sleep 1
    id=$(root -N -e "select id from information_schema.processlist where user='app' and info like 'select sleep%' limit 1")
    [ -n "$id" ] && root -e "KILL $id" >/dev/null 2>&1
  fi
  if [ $((n % 15)) = 7 ]; then  # restart; once damage a MyISAM table while down, once a bad option
    stop
    if [ $((n % 30)) = 7 ]; then
      printf '\xff\xff\xff\xff' | dd of=$D/data/shop/legacy.MYI bs=1 seek=28 conv=notrunc 2>/dev/null
      mariadbd --defaults-file=$CNF --no-such-option=1 2>/dev/null; true
    fi
    start
    app shop -e 'SELECT * FROM legacy' >/dev/null 2>&1
    root -e 'REPAIR TABLE shop.legacy' >/dev/null 2>&1
  fi
  sleep 0.$((RANDOM % 9))
done
sleep 5
stop
