#!/usr/bin/env bash
# systemd: the staged hungtaskd.service passes `systemd-analyze verify` (a broken copy
# does not), is Type=notify with a watchdog and keeps AF_NETLINK; its
# `systemd-analyze security --offline` score is printed; the daemon sends READY=1,
# STATUS= and WATCHDOG=1 at half of WATCHDOG_USEC; the sysctl snippet names real
# keys and leaves hung_task_panic alone.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/host/pkg-lib.sh
work=$top/build/check/pkg-systemd
mkdir -p "$work"
stage "$work/stage" || { fail "systemd: make install" "see $work/stage.log"; exit 1; }
unit=$work/stage/usr/lib/systemd/system/hungtaskd.service
# verify resolves dependencies (sysinit.target, ...) under --root: give it the host's units.
mkdir -p "$work/stage/lib/systemd" && cp -a /lib/systemd/system "$work/stage/lib/systemd/"
verify() { systemd-analyze verify --root="$work/stage" --man=no "$1" 2>&1; }
if out=$(verify "$unit") && [ -z "$out" ]; then
	pass "systemd: systemd-analyze verify passes on the staged hungtaskd.service"
else
	fail "systemd: systemd-analyze verify passes on the staged hungtaskd.service" "$out"
fi
sed 's/^Type=notify/Type=notifyy/' "$unit" >"$work/stage/usr/lib/systemd/system/broken.service"
if out=$(verify "$work/stage/usr/lib/systemd/system/broken.service") && [ -z "$out" ]; then
	fail "systemd: systemd-analyze verify complains about a broken copy (Type=notifyy)"
else
	pass "systemd: systemd-analyze verify complains about a broken copy (Type=notifyy): the check can fail"
fi
rm -f "$work/stage/usr/lib/systemd/system/broken.service"
bad=
grep -qx 'Type=notify' "$unit" || bad+="no Type=notify; "
grep -qE '^WatchdogSec=[1-9]' "$unit" || bad+="no WatchdogSec; "
grep -qx 'StateDirectory=hungtaskd' "$unit" || bad+="no StateDirectory; "
grep -qE '^RestrictAddressFamilies=.*AF_NETLINK' "$unit" || bad+="AF_NETLINK not allowed; "
grep -qE '^(PrivateNetwork|PrivateUsers)=(yes|true|1)' "$unit" && bad+="PrivateNetwork/PrivateUsers set; "
grep -qE '^CapabilityBoundingSet=.*CAP_NET_ADMIN' "$unit" || bad+="CAP_NET_ADMIN dropped; "
[ -z "$bad" ] && pass "systemd: Type=notify, WatchdogSec, StateDirectory=hungtaskd, AF_NETLINK and CAP_NET_ADMIN kept, no PrivateNetwork/PrivateUsers" ||
	fail "systemd: unit settings" "$bad"
score=$(systemd-analyze security --offline=yes --root="$work/stage" "$unit" 2>/dev/null |
	sed -n 's/.*Overall exposure level for hungtaskd.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')
if [ -n "$score" ]; then
	pass "systemd: systemd-analyze security --offline: exposure $score"
else
	fail "systemd: systemd-analyze security --offline gives a score"
fi

# sd_notify: READY=1, STATUS=, and WATCHDOG=1 every WATCHDOG_USEC/2 (0.4 s -> 0.2 s).
python3 - "$work/notify" "$work/notify.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(0.2)
out, end = [], time.time() + 3
while time.time() < end:
    try: out.append((round(time.time(), 3), s.recv(4096).decode()))
    except socket.timeout: pass
open(sys.argv[2], 'w').write(''.join('%s %s\n' % (t, m.replace('\n', '|')) for t, m in out))
PY
rx=$!
for _ in $(seq 50); do [ -S "$work/notify" ] && break; sleep 0.1; done
: >"$work/kmsg"
(
	export NOTIFY_SOCKET=$work/notify WATCHDOG_USEC=400000 WATCHDOG_PID=$BASHPID
	exec build/hungtaskd run --no-journal --kmsg "$work/kmsg" --state-dir "$work/state" --boot-id 1234
) 2>"$work/daemon.err" &
d=$!
sleep 2
kill -TERM $d
wait $d
drc=$?
wait $rx
n=$(grep -c ' WATCHDOG=1$' "$work/notify.txt")
if [ $drc = 0 ] && grep -q ' READY=1$' "$work/notify.txt" && grep -q ' STATUS=following ' "$work/notify.txt" &&
	[ "$n" -ge 6 ] && [ "$n" -le 14 ] && grep -q ' STOPPING=1$' "$work/notify.txt"; then
	pass "systemd: hungtaskd sends READY=1, STATUS=, WATCHDOG=1 at half of WATCHDOG_USEC ($n pings in 2 s at 0.2 s), STOPPING=1"
else
	fail "systemd: hungtaskd notifies and pings the watchdog" "rc $drc, $n pings; see $work/notify.txt"
fi
# WATCHDOG_PID of another process: no pings.
(
	export NOTIFY_SOCKET=$work/notify2 WATCHDOG_USEC=400000 WATCHDOG_PID=1
	exec build/hungtaskd run --no-journal --kmsg "$work/kmsg" --oneshot --state-dir "$work/state" --boot-id 1234
) 2>"$work/daemon2.err"
grep -q 'watchdog' "$work/daemon2.err" && fail "systemd: no watchdog pings when WATCHDOG_PID is another process" ||
	pass "systemd: no watchdog pings when WATCHDOG_PID is another process"

# sysctl.d: every key exists in this kernel; hung_task_panic is not set.
conf=$work/stage/usr/lib/sysctl.d/60-hungtask.conf
bad=
while IFS='=' read -r key _; do
	key=$(echo "$key" | tr -d ' ')
	[ -e "/proc/sys/${key//.//}" ] || bad+="$key unknown; "
done < <(grep -vE '^\s*(#|$)' "$conf")
grep -qE '^\s*kernel\.hung_task_panic' "$conf" && bad+="sets hung_task_panic; "
n=$(grep -cvE '^\s*(#|$)' "$conf")
[ -z "$bad" ] && [ "$n" -gt 0 ] && pass "systemd: sysctl.d snippet sets $n existing hung-task keys, not hung_task_panic" ||
	fail "systemd: sysctl.d snippet" "$bad"
