#!/usr/bin/env bash
# tests/host/html.sh: `hungtaskd report --html` of the seed look-alike fixture rendered in
# real headless Chromium: what the page shows (node count, the culprit's label, the
# dashed unverified hop), no console error, no network request, and a screenshot kept as
# an artifact in build/check/html/seed.png.
# Prints "PASS|FAIL<TAB>name<TAB>detail" lines for tests/check.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
bin=${HUNGTASKD:-build/hungtaskd}
out=$top/build/check/html
rm -rf "$out"
mkdir -p "$out/store/incidents"
result() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}"; }
fixture=tests/fixtures/json/verdict-runqueue_starvation.json

echo "hungtaskd-store 1" >"$out/store/FORMAT"
/usr/bin/python3 - "$fixture" "$out/store" <<'PY'
import json, sys
for inc in json.load(open(sys.argv[1])):
    with open(f"{sys.argv[2]}/incidents/{inc['id']}.json", "w") as o:
        json.dump({"format": 1, "stored_at": "2026-11-25T08:00:00Z", "incident": inc}, o)
PY
if ! "$bin" report --html "$out/seed.html" --state-dir "$out/store" --last >"$out/report.out" 2>&1; then
	result FAIL "html: hungtaskd report --html writes the seed look-alike's page" "$(head -c 300 "$out/report.out")"
	exit 0
fi
result PASS "html: hungtaskd report --html writes the seed look-alike's page ($(wc -c <"$out/seed.html") bytes)"

# chromium FILE.html WHAT...: headless, no sandbox (root), a fresh profile, console to stderr.
chromium_run() {
	local page=$1
	shift
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$out/profile" --enable-logging=stderr --v=0 \
		--hide-scrollbars "$@" "file://$page"
}

# Console errors reach stderr as CONSOLE lines; first prove that this check sees one.
cat >"$out/probe.html" <<'HTML'
<!DOCTYPE html><html><body><p>probe</p><script>console.error("hungtask-probe-error")</script></body></html>
HTML
chromium_run "$out/probe.html" --dump-dom >"$out/probe.dom" 2>"$out/probe.log"
if ! grep -q 'CONSOLE.*hungtask-probe-error' "$out/probe.log"; then
	result FAIL "html: headless Chromium reports console errors to the check" "no CONSOLE line in $out/probe.log"
fi

chromium_run "$out/seed.html" --dump-dom >"$out/seed.dom" 2>"$out/chromium-dom.log"
rc=$?
nodes=$(grep -o '<g class="node ' "$out/seed.dom" | wc -l)
culprits=$(grep -o '<g class="node culprit' "$out/seed.dom" | wc -l)
if [ $rc = 0 ] && [ "$nodes" = 5 ] && [ "$culprits" = 1 ] &&
	grep -q 'CULPRIT  lo_poll (pid 116) \[lo_vendor\]' "$out/seed.dom"; then
	result PASS "html: Chromium shows 5 nodes (victim, 3 hops, culprit), the culprit node says lo_poll (pid 116) [lo_vendor]"
else
	result FAIL "html: Chromium shows 5 nodes and the culprit lo_poll [lo_vendor]" \
		"exit $rc, $nodes nodes, $culprits culprit nodes; see $out/seed.dom"
fi
bad=$(grep -E 'CONSOLE|Failed to load|net::ERR|Uncaught' "$out/chromium-dom.log" | head -n 3)
if [ $rc = 0 ] && [ -z "$bad" ] && grep -q 'CONSOLE.*hungtask-probe-error' "$out/probe.log"; then
	result PASS "html: no console error and no failed resource load while rendering (the probe page's console.error is seen)"
else
	result FAIL "html: no console error while rendering" "${bad:-exit $rc, or the probe page error was not seen}"
fi

# The picture: a screenshot, kept; the culprit's red border and the dashed edges are drawn.
rm -f "$out/seed.png"
chromium_run "$out/seed.html" --screenshot="$out/seed.png" --window-size=1280,1000 \
	>/dev/null 2>"$out/chromium-shot.log"
if [ -s "$out/seed.png" ] && read -r w h red nonwhite < <(tests/host/png_colors.py "$out/seed.png" 192 22 27) &&
	[ "$w" = 1280 ] && [ "$red" -gt 500 ] && [ "$nonwhite" -gt 20000 ]; then
	result PASS "html: screenshot ${w}x${h} kept in build/check/html/seed.png: $red pixels of the culprit's red, $nonwhite not white"
else
	result FAIL "html: screenshot shows the graph and the red culprit node" \
		"${w:-?}x${h:-?}, red ${red:-?}, not white ${nonwhite:-?}; see $out/chromium-shot.log"
fi
