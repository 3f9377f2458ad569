#!/usr/bin/env bash
# tests/host/cli_newer_producer.sh HUNGTASKD
#
# An export of a newer producer (tests/fixtures/json/newer-producer.json) holds members
# this hungtaskd does not know, at every depth: in a hop, in a hop's task object (worker
# task, cpu hog), in an array element (cpu runq), in a victim, the culprit, the host and
# at the top.  None is fatal, none is dropped: report --json writes every one back
# unchanged (the record round-trips through the store), and the text of report and
# explain names each as an unknown field.
# Prints "ok - NAME" or "not ok - NAME: DETAIL".
set -u
bin=$(readlink -f "${1:?usage: cli_newer_producer.sh HUNGTASKD}")
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/ht-cli-newer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
unset NO_COLOR PAGER LESS COLUMNS
fix=$top/tests/fixtures/json/newer-producer.json

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; }

paths="chain[0].barrier_age_ns chain[1].task.cgroup_id chain[1].task.sched chain[2].hog.numa_node
chain[2].runq[0].latency_hint victims[0].io_wait_dev verdict.culprit.cgroup host.numa_nodes producer"

store=$tmp/store
python3 - "$fix" "$store" <<'PY'
import json, os, sys
fix, store = sys.argv[1], sys.argv[2]
os.makedirs(store + "/incidents")
open(store + "/FORMAT", "w").write("hungtaskd-store 1\n")
for inc in json.load(open(fix)):
    with open("%s/incidents/%s.json" % (store, inc["id"]), "w") as f:
        json.dump({"format": 1, "stored_at": "2025-11-25T06:52:00Z", "incident": inc}, f)
PY

# Round trip: every member of the fixture, at any depth, comes back with its value.
"$bin" report --json --state-dir "$store" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
missing=$(python3 - "$fix" "$tmp/out.json" <<'PY' 2>&1
import json, sys
want = json.load(open(sys.argv[1]))[0]
got = json.load(open(sys.argv[2]))[0]
bad = []
def walk(w, g, path):
    if isinstance(w, dict):
        if not isinstance(g, dict):
            bad.append(path or "."); return
        for k, v in w.items():
            if k not in g: bad.append(path + "." + k if path else k)
            else: walk(v, g[k], path + "." + k if path else k)
    elif isinstance(w, list):
        if not isinstance(g, list) or len(g) != len(w):
            bad.append(path); return
        for i, v in enumerate(w): walk(v, g[i], "%s[%d]" % (path, i))
    elif w != g:
        bad.append(path + " (%r != %r)" % (w, g))
walk(want, got, "")
print(" ".join(bad))
PY
)
if [ $rc = 0 ] && [ -z "$missing" ]; then
	ok "newer producer: report --json keeps every unknown member at any depth (hop, hop task, runq entry, victim, culprit, host, top)"
else
	bad "newer producer: report --json keeps every unknown member at any depth" "rc $rc, lost or changed: ${missing:-?} $(head -c 200 "$tmp/err")"
fi

# And once more through explain (the file is what report --json wrote): still equal.
"$bin" report --state-dir "$store" --last --no-pager >"$tmp/report.txt" 2>&1
rc1=$?
"$bin" explain --no-pager "$tmp/out.json" >"$tmp/explain.txt" 2>&1
rc2=$?
for what in report explain; do
	f=$tmp/$what.txt
	lost=""
	for p in $paths; do
		grep -qF -- "$p" "$f" || lost="$lost $p"
	done
	if [ $rc1 = 0 ] && [ $rc2 = 0 ] && grep -q 'Unknown:' "$f" && [ -z "$lost" ]; then
		ok "newer producer: $what text names every unknown field, nested ones by their path"
	else
		bad "newer producer: $what text names every unknown field" "rc $rc1/$rc2, not shown:$lost; $(grep -A3 'Unknown:' "$f" | head -c 300)"
	fi
done
