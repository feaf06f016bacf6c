#!/bin/bash
# Drive the fresh5 cupsd (gen/cupsd.conf) with real print traffic and mistakes.
# Usage: cups_work.sh WORKDIR ROUNDS CUPSD_PID
# Queues: desk1 (a sink on 9101), slow1 (a sink that reads slowly, 9103), desk2 (nothing
# listens on 9102: refused), lab (an lpd queue, nobody there), ipp1 (an IPP printer that is
# down), tofile (a file: device), and the class team (desk1, desk2).  Jobs: text, PDF made
# by the filters themselves, raw, copies and options, held and released, moved, cancelled;
# queues disabled, rejecting, deleted and added again; users without rights; bad options,
# unknown queues, malformed IPP over HTTP; a SIGHUP restart and one with a bad directive.
set -u
D=$1; ROUNDS=$2; PID=$3
export CUPS_SERVER=$D/cups.sock
PPD=drv:///sample.drv/generic.ppd
# (lpadmin warns on stderr that printer drivers are deprecated)
add() { lpadmin -p "$1" -E -v "$2" -m $PPD -D "$3" -L "floor $((RANDOM % 5))" "${@:4}" 2>/dev/null; }
add desk1 socket://127.0.0.1:9101 "front desk"
add slow1 socket://127.0.0.1:9103 "slow printer" -o printer-error-policy=retry-job
add desk2 socket://127.0.0.1:9102 "back office" -o printer-error-policy=retry-job
add lab lpd://127.0.0.1:5515/queue "lab printer" -o printer-error-policy=abort-job
add ipp1 ipp://127.0.0.1:6399/ipp/print "meeting room" -o printer-error-policy=stop-printer
add tofile file://$D/out/tofile.prn "spool file"
lpadmin -p desk1 -c team; lpadmin -p desk2 -c team; cupsenable team; cupsaccept team
lpadmin -d desk1
seq 1 200 | sed 's/^/ticket line /' > $D/text.txt
head -c 3000 /dev/urandom > $D/junk.bin
printf '%%!PS\n/Helvetica findfont 12 scalefont setfont 72 720 moveto (hello) show showpage\n' > $D/page.ps
for n in $(seq 1 "$ROUNDS"); do
  q=$(shuf -n1 -e desk1 desk1 slow1 tofile team desk2 lab)
  lp -d "$q" -t "report $n" $D/text.txt >/dev/null 2>&1
  lp -d desk1 -n $((RANDOM % 3 + 1)) -o sides=two-sided-long-edge -o media=a4 $D/page.ps >/dev/null 2>&1
  [ $((n % 2)) = 0 ] && lp -d tofile -o raw $D/junk.bin >/dev/null 2>&1
  if [ $((n % 3)) = 0 ]; then  # hold, release, move, cancel
    id=$(lp -d slow1 -H hold $D/text.txt 2>/dev/null | grep -o 'slow1-[0-9]*')
    [ -n "$id" ] && lp -i "$id" -H resume >/dev/null 2>&1
    id=$(lp -d desk2 $D/page.ps 2>/dev/null | grep -o 'desk2-[0-9]*')
    [ -n "$id" ] && lpmove "$id" desk1 >/dev/null 2>&1
    id=$(lp -d slow1 $D/text.txt 2>/dev/null | grep -o 'slow1-[0-9]*')
    [ -n "$id" ] && cancel "$id" >/dev/null 2>&1
  fi
  if [ $((n % 4)) = 1 ]; then  # a user who may print but not administer
    su -s /bin/sh nobody -c "CUPS_SERVER=$CUPS_SERVER lp -d desk1 -t mine $D/text.txt" >/dev/null 2>&1
    su -s /bin/sh nobody -c "CUPS_SERVER=$CUPS_SERVER cancel -a desk2; CUPS_SERVER=$CUPS_SERVER cupsdisable desk1; CUPS_SERVER=$CUPS_SERVER lpadmin -x lab" >/dev/null 2>&1
  fi
  if [ $((n % 5)) = 2 ]; then  # mistakes: unknown queue, bad options, a file of unknown type
    lp -d nosuchqueue $D/text.txt >/dev/null 2>&1
    lp -d desk1 -o page-ranges=abc -o number-up=7 $D/text.txt >/dev/null 2>&1
    lp -d desk1 -o job-priority=500 $D/text.txt >/dev/null 2>&1
    lp -d desk1 $D/junk.bin >/dev/null 2>&1
    curl -s -m 3 -X POST -H 'Content-Type: application/ipp' --data-binary @$D/junk.bin http://127.0.0.1:6310/printers/desk1 >/dev/null
    curl -s -m 3 http://127.0.0.1:6310/printers/nosuchqueue >/dev/null
    printf 'BREW /coffee HTCPCP/1.0\r\n\r\n' | timeout 2 nc -q1 127.0.0.1 6310 >/dev/null 2>&1
  fi
  if [ $((n % 6)) = 3 ]; then  # a queue stopped, rejecting, then back
    cupsdisable -r "toner change" desk1; cupsreject -r "moving desks" slow1
    lp -d slow1 $D/text.txt >/dev/null 2>&1
    sleep 1; cupsenable desk1; cupsaccept slow1
    cupsenable ipp1 desk2 lab
  fi
  if [ $((n % 8)) = 5 ]; then  # a queue deleted and added again, options changed
    lpadmin -x tofile; add tofile file://$D/out/tofile.prn "spool file"
    lpadmin -p desk1 -o job-quota-period=60 -o job-page-limit=50 -u allow:all
  fi
  if [ $((n % 10)) = 7 ]; then  # reload, once with a directive cupsd does not know
    if [ $((n % 20)) = 7 ]; then
      cp $D/etc/cupsd.conf $D/etc/cupsd.conf.good
      printf 'LogLevel info\nColourMode vivid\nMaxJobs many\n' >> $D/etc/cupsd.conf
      kill -HUP "$PID"; sleep 3; cp $D/etc/cupsd.conf.good $D/etc/cupsd.conf
    fi
    kill -HUP "$PID"; sleep 3
  fi
  sleep $((RANDOM % 3))
done
sleep 20
cancel -a >/dev/null 2>&1
