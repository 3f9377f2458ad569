#!/usr/bin/env bash
# Journal and metrics after the seed look-alike (tests/fixtures/kernel-logs/
# module-seed-6.1-console.txt, the module's kmsg records of the seed scenario),
# stored by the daemon's own path: `hungtaskd run --kmsg FILE --oneshot`.
#  1. the exact datagram on a unix socket (HUNGTASK_JOURNAL_SOCKET);
#  2. a real systemd-journald, started as root in a private mount namespace (tmpfs
#     /run, volatile storage): journalctl reads the entry's fields back, and
#     journalctl -x shows the staged catalog's text (catalog rebuilt in the namespace);
#  3. DIR/hungtaskd.prom passes `promtool check metrics` and holds the incident.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/host/pkg-lib.sh
work=$top/build/check/pkg-journal
rm -rf "$work" && mkdir -p "$work/metrics"
fixture=$top/tests/fixtures/kernel-logs/module-seed-6.1-console.txt
bin=$top/build/hungtaskd
mid=8ad697a72c4e45e99ad9d4db6bdd40b4

# 1. The datagram, byte for byte.
python3 - "$work/sock" "$work/dgram" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(15)
open(sys.argv[2], 'wb').write(s.recv(1 << 20))
PY
rx=$!
for _ in $(seq 50); do [ -S "$work/sock" ] && break; sleep 0.1; done
HUNGTASK_JOURNAL_SOCKET=$work/sock "$bin" run --journal --kmsg "$fixture" --oneshot \
	--state-dir "$work/state" --boot-id 1234 --metrics-dir "$work/metrics" 2>"$work/daemon.err"
rc=$?
wait $rx
expect=$(printf '%s\n' \
	'MESSAGE=hungtaskd: stored incident 7d1d854d-1: runqueue_starvation, culprit lo_poll[116] in lo_poll [lo_vendor]; hung_task: acme-sync (pid 122) blocked for more than 5 s in flush_work (write)' \
	"MESSAGE_ID=$mid" PRIORITY=3 SYSLOG_IDENTIFIER=hungtaskd INCIDENT_ID=7d1d854d-1 SEQ=1 \
	BOOT=7d1d854d-0d8e-4933-9dd2-f84ceb17ee37 TRIGGER=hung_task VERDICT=runqueue_starvation \
	CULPRIT=lo_poll CULPRIT_PID=116 CULPRIT_FUNCTION=lo_poll CULPRIT_MODULE=lo_vendor \
	VICTIM_COMM=acme-sync VICTIM_PID=122 FINGERPRINT=a38f45dce5979c9f)
got=$(grep -v '^SUMMARY=' "$work/dgram" 2>/dev/null)
if [ $rc = 0 ] && [ "$got" = "$expect" ] && grep -q "^SUMMARY=Root cause: lo_vendor's lo_poll\." "$work/dgram"; then
	pass "journal: the seed look-alike gives one native-protocol datagram with MESSAGE_ID, VERDICT, CULPRIT, CULPRIT_MODULE, FINGERPRINT, INCIDENT_ID, SEQ"
else
	diff <(echo "$expect") <(echo "$got") | head -n 10
	fail "journal: the seed look-alike gives the expected datagram" "rc $rc; see $work/dgram, $work/daemon.err"
fi
if grep -q 'stored incident 7d1d854d-1' "$work/daemon.err"; then
	fail "journal: a journaled incident is not logged to stderr again (no duplicate entry)"
else
	pass "journal: a journaled incident is not logged to stderr again (no duplicate entry)"
fi

# 2. A real journald, when we may make a private mount namespace (root, unshare).
jd=/lib/systemd/systemd-journald
if [ "$(id -u)" != 0 ] || [ ! -x $jd ] || ! unshare -m true 2>/dev/null; then
	fail "journal: real systemd-journald" "needs root, unshare -m and $jd here"
else
	stage "$work/stage" || fail "journal: stage" "see $work/stage.log"
	cat >"$work/ns.sh" <<NS
set -e
mount -t tmpfs none /run
mkdir -p /run/systemd/journal /run/log/journal
mount -t tmpfs none /var/lib/systemd/catalog 2>/dev/null || { mkdir -p /var/lib/systemd/catalog; mount -t tmpfs none /var/lib/systemd/catalog; }
mount --bind "$work/stage/usr/lib/systemd/catalog" /usr/lib/systemd/catalog
journalctl --update-catalog
$jd >"$work/journald.log" 2>&1 &
j=\$!
for _ in \$(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
"$bin" run --journal --kmsg "$fixture" --oneshot --state-dir "$work/state2" --boot-id 1234 2>"$work/daemon2.err"
journalctl --directory /run/log/journal --sync 2>/dev/null || sleep 1
journalctl --directory /run/log/journal -o export MESSAGE_ID=$mid >"$work/export.txt"
journalctl --directory /run/log/journal -x MESSAGE_ID=$mid >"$work/x.txt"
kill \$j
NS
	if timeout 60 unshare -m --propagation private sh "$work/ns.sh" >"$work/ns.log" 2>&1 &&
		grep -qx "MESSAGE_ID=$mid" "$work/export.txt" && grep -qx 'VERDICT=runqueue_starvation' "$work/export.txt" &&
		grep -qx 'CULPRIT=lo_poll' "$work/export.txt" && grep -qx 'CULPRIT_MODULE=lo_vendor' "$work/export.txt" &&
		grep -qx 'FINGERPRINT=a38f45dce5979c9f' "$work/export.txt" && grep -qx 'INCIDENT_ID=7d1d854d-1' "$work/export.txt" &&
		grep -qx 'SEQ=1' "$work/export.txt" && grep -qx '_TRANSPORT=journal' "$work/export.txt" &&
		[ "$(grep -c '^__CURSOR=' "$work/export.txt")" = 1 ]; then
		pass "journal: a real systemd-journald stores one entry with the incident's fields (journalctl -o export)"
	else
		fail "journal: a real systemd-journald stores one entry with the incident's fields" "see $work/ns.log, $work/export.txt"
	fi
	if grep -q 'Hung task explained: runqueue_starvation, culprit lo_poll' "$work/x.txt" &&
		grep -q 'culprit module: lo_vendor' "$work/x.txt"; then
		pass "journal: journalctl -x explains the entry from packaging/catalog/hungtaskd.catalog"
	else
		fail "journal: journalctl -x explains the entry from the catalog" "see $work/x.txt"
	fi
fi

# 3. Metrics.
prom=$work/metrics/hungtaskd.prom
if out=$(promtool check metrics <"$prom" 2>&1) && [ -z "$out" ]; then
	pass "metrics: promtool check metrics accepts hungtaskd.prom (no lint warning)"
else
	fail "metrics: promtool check metrics accepts hungtaskd.prom" "$(echo "$out" | head -n 3)"
fi
if grep -qx 'hungtaskd_stored_incidents{trigger="hung_task",verdict="runqueue_starvation",culprit_module="lo_vendor"} 1' "$prom" &&
	grep -qE '^hungtaskd_last_incident_timestamp_seconds [0-9]+$' "$prom" &&
	grep -qx 'hungtaskd_up{source="kmsg"} 0' "$prom" && grep -qx 'hungtaskd_store_errors_total 0' "$prom" &&
	[ -z "$(find "$work/metrics" -type f ! -name hungtaskd.prom)" ]; then
	pass "metrics: the seed look-alike counts by trigger, verdict and culprit module; last incident time; up 0 after a clean stop; no temp file left"
else
	fail "metrics: hungtaskd.prom holds the seed look-alike" "see $prom"
fi
