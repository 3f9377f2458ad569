#!/usr/bin/env bash
# tests/host/cli_width.sh HUNGTASKD
#
# Every text output fits the terminal's width (COLUMNS, else the pty's TIOCGWINSZ, else
# 80 columns when not a terminal): the report list, the full report, explain of every
# fixture, --help of every command.  Nothing is ever split: not "pid N", not a
# function name, not a stack frame token (func+0x1a/0x40).  The list stays grep-friendly:
# each incident's ID, time and verdict on one line, the culprit whole (on that line when
# it fits, else on the row's own indented "culprit:" line).
# Prints "ok - NAME" or "not ok - NAME: DETAIL".
set -u
bin=$(readlink -f "${1:?usage: cli_width.sh HUNGTASKD}")
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/ht-cli-width.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TZ=Europe/Berlin  # the longest time column: 2025-11-25T07:51:08+01:00
unset NO_COLOR PAGER LESS COLUMNS

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; }

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
panic = json.loads(json.dumps(base[2]))
panic.update(id="b0000000-1", seq=1, boot_id="b0000000-2222-4b4b-8c8c-0123456789ab",
             detected_at=None, trigger="panic", panicked=True, repeats=3)
panic["victims"][0]["comm"] = "kworker/u16:23+e"  # a long task name
put(panic, "2025-11-26T08:00:00Z")
PY

# over W FILE: lines wider than W that are more than one word (one over-long word, a
# frame alone on its line, may pass; it is never cut).
# A "Label:   WORD" line whose one value word is longer than the rest of the line may
# pass too (a boot id at 40 columns).
over() { sed 's/\x1b\[[0-9;]*m//g' "$2" | awk -v w="$1" 'length > w' | grep -v '^ *[^ ]*$' |
	grep -vE '^ *[A-Za-z][A-Za-z -]*: +[^ ]+$'; }
# split FILE: a line that ends in "pid" (or tgid, ppid): "pid N" split.
split() { grep -nE '(^|[ (])(pid|tgid|ppid)$' "$1"; }

# The list.
fails=""
for w in 40 50 60 71 80 100 120 160 240; do
	COLUMNS=$w "$bin" report --state-dir "$store" >"$tmp/list" 2>&1
	o=$(over "$w" "$tmp/list" | head -n 2)
	[ -z "$o" ] || fails="$fails COLUMNS=$w: $o;"
	[ -z "$(split "$tmp/list")" ] || fails="$fails COLUMNS=$w: pid split;"
	for id in 6f1d7c3a-1 6f1d7c3a-2 6f1d7c3a-3 b0000000-1; do
		n=$(grep -c -- "$id" "$tmp/list")
		line=$(grep -- "$id" "$tmp/list")
		# From 71 columns on, the row's first line holds its time too.
		[ "$n" = 1 ] && { [ "$w" -lt 71 ] || grep -qE '^20[0-9-]+T[0-9:+*]+ ' <<<"$line"; } ||
			fails="$fails COLUMNS=$w: $id on $n lines or without its time;"
	done
	for tok in 'lo_poll\[1234\]' 'lo_poll_thread' '\[lo_vendor\]' 'runqueue_starvation'; do
		grep -qE "(^| )$tok( |$)" "$tmp/list" || fails="$fails COLUMNS=$w: '$tok' not whole;"
	done
	# Wide enough: one line per incident, the culprit on the ID's line.
	if [ "$w" -ge 160 ] && ! grep -q '6f1d7c3a-3 .*lo_poll_thread' "$tmp/list"; then
		fails="$fails COLUMNS=$w: not one line per incident;"
	fi
done
if [ -z "$fails" ]; then
	ok "report list fits COLUMNS=40..240, one row per incident (ID, time, verdict on one line), culprit, pid and function names whole"
else
	bad "report list fits the width, one row per incident" "$fails"
fi
"$bin" report --state-dir "$store" >"$tmp/list80" 2>&1
o=$(over 80 "$tmp/list80")
if [ -z "$o" ] && [ "$(head -c 4 "$tmp/list80")" = TIME ]; then
	ok "report list (not a terminal): within 80 columns"
else
	bad "report list (not a terminal): within 80 columns" "$(awk 'length > 80' "$tmp/list80" | head -n 2)"
fi

# The full report and explain of every fixture, at several widths: within the width, no
# "pid N" split, every stack frame token of the record whole in the text.
fails=""
for f in "$top"/tests/fixtures/json/*.json; do
	# The frames the text shows (not the unreliable ones it leaves out).
	tokens=$(python3 -c '
import json, re, sys
out = set()
def walk(v, key):
    if isinstance(v, dict):
        for k, x in v.items(): walk(x, k)
    elif isinstance(v, list):
        for x in v: walk(x, key)
    elif isinstance(v, str) and key != "stack_unreliable":
        out.update(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+", v))
walk(json.load(open(sys.argv[1])), "")
print("\n".join(sorted(out)))' "$f")
	for w in 40 60 80 100; do
		COLUMNS=$w "$bin" explain --no-pager "$f" >"$tmp/x" 2>&1 || { fails="$fails $(basename "$f"): rc $?;"; continue; }
		o=$(over "$w" "$tmp/x" | head -n 1)
		[ -z "$o" ] || fails="$fails $(basename "$f") COLUMNS=$w: [$o];"
		[ -z "$(split "$tmp/x")" ] || fails="$fails $(basename "$f") COLUMNS=$w: pid split;"
		for t in $tokens; do
			grep -qF -- "$t" "$tmp/x" || { fails="$fails $(basename "$f") COLUMNS=$w: $t split;"; break; }
		done
	done
done
for w in 40 80; do
	COLUMNS=$w "$bin" report --state-dir "$store" b0000000-1 >"$tmp/x" 2>&1
	o=$(over "$w" "$tmp/x" | head -n 1)
	[ -z "$o" ] || fails="$fails report ID COLUMNS=$w: [$o];"
done
if [ -z "$fails" ]; then
	ok "report ID and explain of every fixture fit COLUMNS=40..100, no pid N, function or func+0x../0x.. token split"
else
	bad "report ID and explain fit the width, nothing split" "$fails"
fi

# A terminal's own width (TIOCGWINSZ on a pty from script(1)), no COLUMNS.
script -qec "stty cols 60 rows 200; TERM=xterm PAGER=cat '$bin' report --state-dir '$store'; TERM=xterm PAGER=cat '$bin' report --state-dir '$store' 6f1d7c3a-3" /dev/null >"$tmp/tty" 2>&1 </dev/null
tr -d '\r' <"$tmp/tty" >"$tmp/tty2"
o=$(over 60 "$tmp/tty2" | head -n 2)
if [ -z "$o" ] && grep -q 'lo_poll_thread' "$tmp/tty2"; then
	ok "on a 60-column terminal (TIOCGWINSZ): list and report within 60 columns"
else
	bad "on a 60-column terminal (TIOCGWINSZ): within 60 columns" "${o:-no output: $(head -c 200 "$tmp/tty2")}"
fi

# --help of every command: within 80 columns.
fails=""
for c in "" run scan-log report explain; do
	"$bin" $c --help >"$tmp/h" 2>&1
	o=$(awk 'length > 80' "$tmp/h" | head -n 1)
	[ -z "$o" ] || fails="$fails ${c:-hungtaskd} --help: [$o];"
done
if [ -z "$fails" ]; then ok "--help of every command within 80 columns"; else bad "--help of every command within 80 columns" "$fails"; fi
