#!/usr/bin/env bash
# tests/host/cli_report.sh HUNGTASKD
#
# What a user checks in `report`, `explain` and `scan-log` output: incidents imported
# from logs order by the time they were stored (--last is the newest), --since/--until
# take journalctl's times, the filters (--verdict, --module, --trigger, -b), the list
# marks panics and repeats, text fits 80 columns without splitting "pid N", colour and
# pager only on a terminal (NO_COLOR honoured), every taint letter is explained, log
# timestamps (journalctl -o short-iso/short-precise, dmesg -T, dmesg --time-format iso,
# console + rtc line or --boot-time) are kept, and the daemon's journal line carries
# verdict, culprit and a syslog priority.
# Prints "ok - NAME" or "not ok - NAME: DETAIL".
set -u
bin=$(readlink -f "${1:?usage: cli_report.sh HUNGTASKD}")
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/ht-cli-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
unset NO_COLOR PAGER LESS COLUMNS

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; }
# ids NAME "ID ID ..." ARGS...: report --json ARGS lists exactly these ids (sorted).
ids() {
	local name=$1 want=$2 got
	shift 2
	got=$("$bin" report --json --state-dir "$store" "$@" 2>"$tmp/err" |
		python3 -c 'import json,sys; print(" ".join(sorted(i["id"] for i in json.load(sys.stdin))))' 2>&1)
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name" "got [$got], want [$want]: $(head -c 200 "$tmp/err")"; fi
}

# A store of two boots.  Boot 6f1d7c3a: report.json's three incidents (detected
# 2025-11-25 06:40:09Z, 06:40:09Z, 06:51:08Z).  Boot b0000000: a panic imported from a
# log (no detection time; stored 2025-11-26 08:00Z, the newest) and a cpu_hog incident
# detected 2025-11-26 07:30Z.
store=$tmp/store
python3 - "$top" "$store" <<'PY'
import json, os, sys
top, store = sys.argv[1], sys.argv[2]
os.makedirs(store + "/incidents")
open(store + "/FORMAT", "w").write("hungtaskd-store 1\n")
def put(inc, stored_at):
    with open("%s/incidents/%s.json" % (store, inc["id"]), "w") as f:
        json.dump({"format": 1, "stored_at": stored_at, "incident": inc}, f)
base = json.load(open(top + "/tests/fixtures/json/report.json"))
for inc in base:
    put(inc, "2025-11-25T06:52:00Z")
boot = "b0000000-2222-4b4b-8c8c-0123456789ab"
panic = json.loads(json.dumps(base[1]))
panic.update(id="b0000000-1", seq=1, boot_id=boot, detected_at=None, trigger="panic",
             panicked=True, source="log:/var/lib/systemd/pstore/dmesg.txt")
put(panic, "2025-11-26T08:00:00Z")
hog = json.load(open(top + "/tests/fixtures/json/verdict-cpu_hog.json"))[0]
hog.update(id="b0000000-2", seq=2, boot_id=boot, detected_at="2025-11-26T07:30:00Z")
hog["verdict"]["culprit"]["module"] = "acme_drv"
put(hog, "2025-11-26T07:30:01Z")
PY

# Ordering and --last.
out=$("$bin" report --state-dir "$store" --last 2>&1)
if grep -q "^Incident b0000000-1 " <<<"$out"; then ok "report --last is the newest: the panic imported from a log (by stored_at)"; else bad "report --last is the newest: the panic imported from a log (by stored_at)" "$(head -n1 <<<"$out")"; fi
list=$("$bin" report --state-dir "$store" 2>&1)
first=$(sed -n 2p <<<"$list")
if grep -q "b0000000-1" <<<"$first" && grep -qw "panic" <<<"$first" && grep -q '\*' <<<"$first"; then
	ok "report list: the imported panic first, marked panic, its stored time marked *"
else
	bad "report list: the imported panic first, marked panic, its stored time marked *" "$first"
fi
if grep "6f1d7c3a-1 " <<<"$list" | grep -qw "x2"; then ok "report list marks repeats (x2)"; else bad "report list marks repeats (x2)" "$(grep 6f1d7c3a-1 <<<"$list")"; fi
if grep -q "^2025-11-26T07:30:00+00:00 " <<<"$list"; then ok "report list: times in the local zone as one word (TZ=UTC: 2025-11-26T07:30:00+00:00)"; else bad "report list: times in the local zone as one word" "$list"; fi
list=$(TZ=Europe/Berlin "$bin" report --state-dir "$store" 2>&1)
if grep -q "^2025-11-26T08:30:00+01:00 " <<<"$list"; then ok "report list: TZ=Europe/Berlin shows 2025-11-26T08:30:00+01:00"; else bad "report list: TZ=Europe/Berlin" "$list"; fi
list=$(TZ=Europe/Berlin "$bin" report --utc --state-dir "$store" 2>&1)
if grep -q "^2025-11-26T07:30:00Z " <<<"$list"; then ok "report --utc: list times in UTC (2025-11-26T07:30:00Z)"; else bad "report --utc: list times in UTC" "$list"; fi
out=$(TZ=Europe/Berlin "$bin" report --state-dir "$store" b0000000-2 2>&1)
if grep -q "Detected:  2025-11-26 08:30:00 CET" <<<"$out"; then ok "report ID: Detected in the local zone (CET)"; else bad "report ID: Detected in the local zone (CET)" "$(grep Detected <<<"$out")"; fi

# --since / --until.
ids "--since with an offset (07:45+01:00 = 06:45Z)" "6f1d7c3a-3 b0000000-1 b0000000-2" --since 2025-11-25T07:45:00+01:00
ids "--since DATE --until TIME" "6f1d7c3a-1 6f1d7c3a-2" --since 2025-11-25 --until "2025-11-25 06:45"
ids "--until now" "6f1d7c3a-1 6f1d7c3a-2 6f1d7c3a-3 b0000000-1 b0000000-2" --until now
ids "--since a local time (TZ=UTC)" "b0000000-1" --since "2025-11-26 08:00"
TZ=Europe/Berlin ids "--since a local time (TZ=Europe/Berlin: 08:00 is 07:00Z)" "b0000000-1 b0000000-2" --since "2025-11-26 08:00"
"$bin" report --state-dir "$store" --since -2h >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && [ ! -s "$tmp/out" ] && grep -q "no incidents stored since" "$tmp/err"; then ok "--since -2h: nothing found, rc 1, message on stderr"; else bad "--since -2h: nothing found, rc 1, message on stderr" "rc $rc $(cat "$tmp/out" "$tmp/err" | head -c 200)"; fi
for spec in yesterday today "30 min ago" -1d12h 06:51; do
	if "$bin" report --state-dir "$store" --since "$spec" >/dev/null 2>"$tmp/err" || [ $? = 1 ]; then ok "--since '$spec' is accepted"; else bad "--since '$spec' is accepted" "$(cat "$tmp/err")"; fi
done

# Filters.
ids "-b: the newest boot" "b0000000-1 b0000000-2" -b
ids "-b -1: the boot before" "6f1d7c3a-1 6f1d7c3a-2 6f1d7c3a-3" -b -1
ids "-b 1: the oldest boot" "6f1d7c3a-1 6f1d7c3a-2 6f1d7c3a-3" -b 1
ids "-b BOOT-ID-PREFIX" "b0000000-1 b0000000-2" -b b0000000
ids "--verdict unknown" "6f1d7c3a-1 6f1d7c3a-2 b0000000-1" --verdict unknown
ids "--verdict a,b" "6f1d7c3a-3 b0000000-2" --verdict cpu_hog,runqueue_starvation
ids "--module lo_vendor" "6f1d7c3a-3" --module lo_vendor
ids "--module acme_drv,lo_vendor" "6f1d7c3a-3 b0000000-2" --module acme_drv,lo_vendor
ids "--module kernel (no culprit module)" "6f1d7c3a-1 6f1d7c3a-2 b0000000-1" --module kernel
ids "--trigger panic" "b0000000-1" --trigger panic
ids "--verdict unknown -b -1 --since 2025-11-25T06:40:00Z" "6f1d7c3a-1 6f1d7c3a-2" --verdict unknown -b -1 --since 2025-11-25T06:40:00Z
"$bin" report --state-dir "$store" -b -5 >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && grep -q "no such boot" "$tmp/err"; then ok "-b -5 (no such boot): rc 1"; else bad "-b -5 (no such boot): rc 1" "rc $rc $(cat "$tmp/err")"; fi
"$bin" report --state-dir "$store" --verdict bogus >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && grep -q -- "--verdict: unknown verdict" "$tmp/err"; then ok "--verdict bogus: usage error rc 2"; else bad "--verdict bogus: usage error rc 2" "rc $rc $(cat "$tmp/err")"; fi

# Terminal output: 80 columns when not a terminal, "pid N" never split.
"$bin" report --state-dir "$store" 6f1d7c3a-3 >"$tmp/full" 2>&1
long=$(awk 'length > 80' "$tmp/full" | grep -v '^    [^ ]*$' | head -n 3)
if [ -z "$long" ]; then ok "report ID (not a terminal): prose and chain within 80 columns"; else bad "report ID (not a terminal): prose and chain within 80 columns" "$long"; fi
split=$(grep -nE '(^|[ (])(pid|tgid|ppid)$' "$tmp/full" | head -n 3)
if [ -z "$split" ]; then ok "report ID: no line ends in 'pid' (pid N never split)"; else bad "report ID: no line ends in 'pid' (pid N never split)" "$split"; fi
fails=""
for w in 71 76 80 83 90 100 120; do
	COLUMNS=$w "$bin" report --state-dir "$store" 6f1d7c3a-3 >"$tmp/w" 2>&1
	n=$(awk -v w=$w 'length > w' "$tmp/w" | grep -vc '^ *[^ ]*$')
	s=$(grep -cE '(^|[ (])(pid|tgid|ppid)$' "$tmp/w")
	[ "$n" = 0 ] && [ "$s" = 0 ] || fails="$fails COLUMNS=$w:${n}long,${s}split"
done
if [ -z "$fails" ]; then ok "COLUMNS=71..120: within the width, pid N never split"; else bad "COLUMNS=71..120: within the width, pid N never split" "$fails"; fi
if grep -q $'\033\[' "$tmp/full"; then bad "no colour when not a terminal" "escape found"; else ok "no colour when not a terminal"; fi
# On a terminal (script(1) gives a pty): colour unless NO_COLOR; the pager for long output.
script -qec "TERM=xterm PAGER=cat '$bin' report --state-dir '$store' 6f1d7c3a-3" /dev/null >"$tmp/tty" 2>&1 </dev/null
if grep -q $'\033\[' "$tmp/tty"; then ok "colour on a terminal"; else bad "colour on a terminal" "no escape sequence"; fi
script -qec "TERM=xterm NO_COLOR=1 PAGER=cat '$bin' report --state-dir '$store' 6f1d7c3a-3" /dev/null >"$tmp/tty" 2>&1 </dev/null
if grep -q $'\033\[' "$tmp/tty"; then bad "NO_COLOR: no colour on a terminal" "escape found"; else ok "NO_COLOR: no colour on a terminal"; fi
script -qec "TERM=xterm PAGER='sed s/^/PAGED:/' '$bin' report --state-dir '$store' 6f1d7c3a-3" /dev/null >"$tmp/tty" 2>&1 </dev/null
if grep -q "^PAGED:Incident 6f1d7c3a-3" "$tmp/tty"; then ok "long output on a terminal goes through \$PAGER"; else bad "long output on a terminal goes through \$PAGER" "$(head -c 200 "$tmp/tty")"; fi
script -qec "TERM=xterm PAGER='sed s/^/PAGED:/' '$bin' report --no-pager --state-dir '$store' 6f1d7c3a-3" /dev/null >"$tmp/tty" 2>&1 </dev/null
if grep -q "PAGED:" "$tmp/tty"; then bad "--no-pager: no pager on a terminal" "paged"; else ok "--no-pager: no pager on a terminal"; fi

# explain: every taint letter, and a record file taken from the store.
python3 - "$top" "$tmp/taint.json" <<'PY'
import json, sys
inc = json.load(open(sys.argv[1] + "/tests/fixtures/json/report.json"))[0]
inc["host"]["taint"] = "PDWOEL"
json.dump([inc], open(sys.argv[2], "w"))
PY
"$bin" explain "$tmp/taint.json" 2>&1 | tr -s "\n " "  " >"$tmp/out"  # wrapped lines read as one
miss=""
for w in "P: proprietary module loaded" "D: kernel died recently" "W: kernel issued a warning" "O: out-of-tree module loaded" "E: unsigned module loaded" "L: soft lockup occurred"; do
	grep -q "$w" "$tmp/out" || miss="$miss [$w]"
done
if [ -z "$miss" ]; then ok "explain: taint letters beyond O are explained (PDWOEL)"; else bad "explain: taint letters beyond O are explained (PDWOEL)" "missing$miss"; fi
if "$bin" explain "$store/incidents/6f1d7c3a-3.json" 2>&1 | grep -q "^Incident 6f1d7c3a-3"; then ok "explain a record file from the store"; else bad "explain a record file from the store" "not rendered"; fi

# Log timestamps become detected_at.
body=$tmp/body
sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$top/tests/fixtures/logs/hung-6.1-console.log" >"$body"
detected() { python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[0]["detected_at"] if a else "none")'; }
check_time() { # NAME FILE WANT [scan-log options]
	local name=$1 file=$2 want=$3 got
	shift 3
	got=$("$bin" scan-log "$@" "$file" 2>/dev/null | detected 2>&1)
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name" "detected_at $got, want $want"; fi
}
sed 's/^/2025-11-25T07:51:00+0100 host kernel: /' "$body" >"$tmp/short-iso.log"
check_time "journalctl -k -o short-iso keeps the time" "$tmp/short-iso.log" 2025-11-25T06:51:00Z
sed 's/^/2025-11-25T07:51:00.123456+01:00 host kernel: /' "$body" >"$tmp/short-iso-precise.log"
check_time "journalctl -k -o short-iso-precise keeps the time" "$tmp/short-iso-precise.log" 2025-11-25T06:51:00Z
y=$(date -u +%Y)
sed 's/^/Jan  2 03:04:05.678901 host kernel: /' "$body" >"$tmp/short-precise.log"
check_time "journalctl -k -o short-precise keeps the time (this year, local zone)" "$tmp/short-precise.log" "$y-01-02T03:04:05Z"
sed 's/^/[Tue Nov 25 06:51:00 2025] /' "$body" >"$tmp/dmesg-T.log"
check_time "dmesg -T keeps the time" "$tmp/dmesg-T.log" 2025-11-25T06:51:00Z
sed 's/^/2025-11-25T06:51:00,123456+00:00 /' "$body" >"$tmp/dmesg-iso.log"
check_time "dmesg --time-format iso keeps the time" "$tmp/dmesg-iso.log" 2025-11-25T06:51:00Z
check_time "console printk time + --boot-time" "$top/tests/fixtures/logs/hung-6.1-console.log" 2025-11-25T06:40:09Z --boot-time 2025-11-25T06:40:00Z
sed '1a [    1.660023] rtc_cmos 00:05: setting system clock to 2026-11-25T07:03:45 UTC (1795590225)' \
	"$top/tests/fixtures/logs/hung-6.1-console.log" >"$tmp/rtc.log"
check_time "console printk time + the log's rtc line" "$tmp/rtc.log" 2026-11-25T07:03:52Z
check_time "console log without a boot time: no detected_at" "$top/tests/fixtures/logs/hung-6.1-console.log" None

# The daemon's journal line: verdict, culprit, syslog priority.
"$bin" run --oneshot --kmsg "$top/tests/fixtures/kernel-logs/module-seed-6.1-console.txt" --state-dir "$tmp/run" --boot-id 7d1d854d-0000 >/dev/null 2>"$tmp/err"
line=$(grep "stored incident" "$tmp/err" | head -n1)
if grep -qE '^<3>hungtaskd: stored incident [^ ]+: runqueue_starvation, culprit lo_poll.*\[lo_vendor\]; hung_task: acme-sync' <<<"$line"; then
	ok "run: journal line '<3>... runqueue_starvation, culprit lo_poll [lo_vendor]'"
else
	bad "run: journal line '<3>... runqueue_starvation, culprit lo_poll [lo_vendor]'" "$line"
fi
"$bin" run --oneshot --kmsg "$top/tests/fixtures/logs/hung-6.1-console.log" --state-dir "$tmp/run2" --boot-id 7d1d854d-0001 >/dev/null 2>"$tmp/err"
line=$(grep "stored incident" "$tmp/err" | head -n1)
if grep -qE '^<4>hungtaskd: stored incident [^ ]+: unknown; hung_task' <<<"$line"; then ok "run: journal line '<4>... unknown' for an unexplained hang"; else bad "run: journal line '<4>... unknown' for an unexplained hang" "$line"; fi
