#!/usr/bin/env bash
# tests/host/schema.sh: docs/incident.schema.json against every JSON fixture, the daemon's
# own export of each (via a store and `report --json`), and `scan-log` of every log fixture.
# Prints "PASS|FAIL<TAB>name<TAB>detail" lines for tests/check.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
bin=${HUNGTASKD:-build/hungtaskd}
v=tests/host/validate_schema.py
out=build/check/schema
rm -rf "$out"
mkdir -p "$out"
result() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}"; }

# The schema documents every field: each property has a description.
if msg=$(/usr/bin/python3 - <<'PY'
import json
s = json.load(open("docs/incident.schema.json"))
miss = []
def walk(o, p):
    if isinstance(o, dict):
        for k, v in o.get("properties", {}).items():
            if isinstance(v, dict) and "description" not in v and "$ref" not in v:
                miss.append(p + "." + k)
            elif isinstance(v, dict) and "$ref" in v and "description" not in v and not v["$ref"].endswith(("/task", "/verdict", "/host")):
                miss.append(p + "." + k)
        for k, v in o.items():
            if k not in ("properties", "if"):  # an if clause only selects a kind
                walk(v, p + "/" + k)
        for k, v in o.get("properties", {}).items():
            walk(v, p + "." + k)
    elif isinstance(o, list):
        for i in o:
            walk(i, p)
walk(s, "")
if miss:
    print("no description:", " ".join(sorted(set(miss))[:10]))
    raise SystemExit(1)
PY
); then
	result PASS "schema: docs/incident.schema.json is a valid 2020-12 schema and describes every field"
else
	result FAIL "schema: docs/incident.schema.json describes every field" "$msg"
fi

for f in tests/fixtures/json/*.json; do
	name=$(basename "$f" .json)
	if msg=$($v "$f" 2>&1); then
		result PASS "schema: fixture json/$name.json validates"
	else
		result FAIL "schema: fixture json/$name.json validates" "$(head -n 3 <<<"$msg" | tr '\n' ' ')"
	fi
	# The daemon's export: the fixture's records in a store, then report --json.
	store=$out/store-$name
	mkdir -p "$store/incidents"
	echo "hungtaskd-store 1" >"$store/FORMAT"
	/usr/bin/python3 - "$f" "$store" <<'PY'
import json, sys
for inc in json.load(open(sys.argv[1])):
    with open(f"{sys.argv[2]}/incidents/{inc['id']}.json", "w") as o:
        json.dump({"format": 1, "stored_at": "2025-11-25T07:00:00Z", "incident": inc}, o)
PY
	if "$bin" report --json --state-dir "$store" >"$out/export-$name.json" 2>"$out/export-$name.err" &&
		msg=$($v "$out/export-$name.json" 2>&1); then
		result PASS "schema: hungtaskd report --json of fixture json/$name.json validates"
	else
		result FAIL "schema: hungtaskd report --json of fixture json/$name.json validates" \
			"$(head -n 3 <<<"${msg:-}" | tr '\n' ' ')$(head -c 200 "$out/export-$name.err")"
	fi
done

for f in tests/fixtures/logs/* tests/fixtures/kernel-logs/*; do
	name=$(basename "$(dirname "$f")")/$(basename "$f")
	j=$out/scan-$(basename "$f").json
	"$bin" scan-log "$f" >"$j" 2>/dev/null
	rc=$?
	if [ $rc -gt 1 ]; then
		result FAIL "schema: hungtaskd scan-log $name validates" "exit $rc"
	elif msg=$($v "$j" 2>&1); then
		result PASS "schema: hungtaskd scan-log $name validates ($(grep -c '"schema_version"' "$j") incidents)"
	else
		result FAIL "schema: hungtaskd scan-log $name validates" "$(head -n 3 <<<"$msg" | tr '\n' ' ')"
	fi
done

# --redact: the export still validates, no kernel address is left, the chain is readable.
store=$out/store-report
if "$bin" report --json --redact --state-dir "$store" >"$out/redacted.json" 2>"$out/redacted.err" &&
	msg=$($v "$out/redacted.json" 2>&1) &&
	! grep -qiE '(0x|\b)ffff[0-9a-f]{12}' "$out/redacted.json" &&
	grep -q '"barrier": "<addr-1>"' "$out/redacted.json" && grep -q '"target_function": "css_release_work_fn"' "$out/redacted.json" &&
	"$bin" explain --redact "$out/redacted.json" >"$out/redacted.txt" 2>&1 &&
	"$bin" explain --redact tests/fixtures/json/report.json >"$out/explain-redacted.txt" 2>&1 &&
	! grep -qiE '(0x|\b)ffff[0-9a-f]{12}' "$out/explain-redacted.txt" && grep -q 'barrier <addr-1>' "$out/explain-redacted.txt"; then
	result PASS "redact: report --json --redact validates, holds no kernel address (barrier <addr-1>), keeps functions; explain --redact too"
else
	result FAIL "redact: report --json --redact / explain --redact" "${msg:-} see $out/redacted.json $out/explain-redacted.txt"
fi
