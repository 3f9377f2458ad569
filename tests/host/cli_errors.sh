#!/usr/bin/env bash
# tests/host/cli_errors.sh HUNGTASKD
#
# Feeds every command hostile input: directories, FIFOs, unreadable files (as an
# unprivileged user via setpriv), garbage, /dev/full as standard output, a store of
# another format, a store of corrupt records only, and an unprivileged caller.  Checks
# the documented exit codes (0 ok, 1 only "nothing found", 2 permission / unsupported
# format / write error / usage), that nothing aborts (rc 134, 139), and that every
# failure is one line on stderr naming the path and the reason.
# Prints "ok - NAME" or "not ok - NAME: DETAIL" per check (tests/check counts them).
set -u
bin=$(readlink -f "${1:?usage: cli_errors.sh HUNGTASKD}")
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/ht-cli-errors.XXXXXX)
chmod 0755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# As root, the unprivileged caller is uid 65534 without capabilities (setpriv); as a
# normal user it is the caller itself, and the files below are made unreadable (chmod 0).
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
[ "$(id -u)" = 0 ] || nobody=(env)

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; }

# expect NAME RC STDERR_REGEX -- CMD...: runs CMD (stdin /dev/null unless redirected by
# the caller), checks its rc, that it did not abort, and, for rc 2, that stderr is one
# line matching STDERR_REGEX.  For rc 1, stderr must match too (nothing-found text goes
# to stderr) and stdout must hold no prose.
expect() {
	local name=$1 want=$2 re=$3
	shift 4
	local out=$tmp/out err=$tmp/err rc
	timeout 20 "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	check_rc "$name" "$want" "$re" "$rc" "$out" "$err"
}
check_rc() {
	local name=$1 want=$2 re=$3 rc=$4 out=$5 err=$6 lines
	if [ "$rc" = 134 ] || [ "$rc" = 139 ] || [ "$rc" = 124 ]; then
		bad "$name" "rc $rc (abort/crash/timeout): $(head -c 300 "$err")"
		return
	fi
	if [ "$rc" != "$want" ]; then
		bad "$name" "rc $rc, want $want: $(head -c 300 "$err" | tr '\n' '|')"
		return
	fi
	# A usage error may add its "Try 'hungtaskd CMD --help'." hint; a store's skipped
	# records are named one per line before the final error.
	lines=$(grep -v -e "^Try 'hungtaskd" -e "^hungtaskd: warning: skipping unreadable record" "$err" | grep -c .)
	if [ "$want" = 2 ] && [ "$lines" != 1 ]; then
		bad "$name" "want one stderr line, got $lines: $(head -c 300 "$err" | tr '\n' '|')"
		return
	fi
	if [ -n "$re" ] && ! grep -qE -- "$re" "$err"; then
		bad "$name" "stderr does not match /$re/: $(head -c 300 "$err" | tr '\n' '|')"
		return
	fi
	if [ "$want" = 1 ] && [ -s "$out" ] && ! grep -qx '\[\]' "$out"; then
		bad "$name" "nothing-found text on stdout: $(head -c 200 "$out" | tr '\n' '|')"
		return
	fi
	ok "$name"
}

# A kernel log with one hung task, and its JSON export.
log=$tmp/hung.log
cp "$top/tests/fixtures/logs/$(ls "$top/tests/fixtures/logs" | head -n1)" "$log" 2>/dev/null
good_json=$tmp/good.json
"$bin" scan-log "$log" >"$good_json" 2>/dev/null
if ! grep -q '"id"' "$good_json"; then
	bad "setup: scan-log of a fixture log finds an incident" "$(head -c 200 "$good_json")"
fi
mkdir -p "$tmp/dir" "$tmp/empty"
head -c 4096 /dev/urandom >"$tmp/garbage"
printf 'not json {' >"$tmp/garbage.json"
mkfifo "$tmp/fifo"

# Store fixtures: a good store, one of another format, one of corrupt records only,
# one only root may read.
good=$tmp/store
"$bin" scan-log --store --state-dir "$good" "$log" >/dev/null 2>&1
other=$tmp/other
mkdir -p "$other/incidents"
echo "hungtaskd-store 99" >"$other/FORMAT"
corrupt=$tmp/corrupt
mkdir -p "$corrupt/incidents"
echo "hungtaskd-store 1" >"$corrupt/FORMAT"
echo garbage >"$corrupt/incidents/x-1.json"
private=$tmp/private
cp -a "$good" "$private"
chmod 0700 "$private"
unreadable=$tmp/unreadable.log
cp "$log" "$unreadable"
chmod 0600 "$unreadable"
mixed=$tmp/mixed
mkdir -p "$mixed/sub"
cp "$log" "$mixed/a.log"
cp "$unreadable" "$mixed/b.log"
chmod 0600 "$mixed/b.log"
chmod 0755 "$mixed" "$mixed/sub"
cp "$log" "$mixed/sub/c.log"
chmod 0644 "$mixed/a.log" "$mixed/sub/c.log"
if [ "$(id -u)" != 0 ]; then
	chmod 0 "$unreadable" "$mixed/b.log"
	trap 'chmod -R u+rwx "$tmp" 2>/dev/null; cleanup' EXIT
fi

# explain
expect "explain DIR: rc 2, names the directory" 2 "$tmp/dir.*(directory|Is a directory)" -- "$bin" explain "$tmp/dir"
expect "explain missing file: rc 2" 2 "$tmp/nope.*(No such file)" -- "$bin" explain "$tmp/nope"
expect "explain garbage: rc 2, unsupported format" 2 "$tmp/garbage" -- "$bin" explain "$tmp/garbage"
expect "explain broken JSON: rc 2" 2 "$tmp/garbage.json" -- "$bin" explain "$tmp/garbage.json"
expect "explain good export: rc 0" 0 "" -- "$bin" explain "$good_json"
expect "explain /proc/self (a directory): rc 2" 2 "/proc/self" -- "$bin" explain /proc/self
(printf 'garbage\n' >"$tmp/fifo") & pids+=($!)
expect "explain FIFO of garbage: rc 2" 2 "$tmp/fifo" -- "$bin" explain "$tmp/fifo"
(cat "$good_json" >"$tmp/fifo") & pids+=($!)
expect "explain FIFO of a good export: rc 0" 0 "" -- "$bin" explain "$tmp/fifo"
rec=$(ls "$good/incidents/" | head -n1)
expect "explain a record file from the store: rc 0" 0 "" -- "$bin" explain "$good/incidents/$rec"
expect "explain [] : rc 1, nothing found on stderr" 1 "no incidents" -- sh -c "echo '[]' | '$bin' explain -"
expect "explain good export > /dev/full: rc 2" 2 "(standard output|stdout).*No space left" -- sh -c "'$bin' explain '$good_json' >/dev/full"
if [ ${#nobody[@]} -gt 0 ]; then
	expect "explain unreadable file as nobody: rc 2, permission" 2 "$unreadable.*Permission denied" -- "${nobody[@]}" "$bin" explain "$unreadable"
fi

# scan-log
expect "scan-log DIR (empty): rc 1, nothing found" 1 "no incidents" -- "$bin" scan-log "$tmp/empty"
expect "scan-log /proc/self: no abort, rc 1" 1 "" -- "$bin" scan-log /proc/self
expect "scan-log garbage: rc 1, nothing found on stderr" 1 "no incidents" -- "$bin" scan-log "$tmp/garbage"
expect "scan-log missing file: rc 2" 2 "$tmp/nope.*No such file" -- "$bin" scan-log "$tmp/nope"
(printf 'garbage\n' >"$tmp/fifo") & pids+=($!)
expect "scan-log FIFO of garbage: rc 1" 1 "no incidents" -- "$bin" scan-log "$tmp/fifo"
(cat "$log" >"$tmp/fifo") & pids+=($!)
expect "scan-log FIFO of a log: rc 0" 0 "" -- "$bin" scan-log "$tmp/fifo"
expect "scan-log > /dev/full: rc 2" 2 "(standard output|stdout).*No space left" -- sh -c "'$bin' scan-log '$log' >/dev/full"
expect "scan-log --store into a store of another format: rc 2" 2 "$other/FORMAT.*unsupported store format" -- "$bin" scan-log --store --state-dir "$other" "$log"
expect "scan-log --store on a regular file: rc 2" 2 "$tmp/garbage.*not a directory" -- "$bin" scan-log --store --state-dir "$tmp/garbage" "$log"
if [ ${#nobody[@]} -gt 0 ]; then
	expect "scan-log unreadable file as nobody: rc 2" 2 "$unreadable.*Permission denied" -- "${nobody[@]}" "$bin" scan-log "$unreadable"
	# A directory import skips the bad file (reported) and imports the rest.
	"${nobody[@]}" "$bin" scan-log "$mixed" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	n=$(grep -c '"id"' "$tmp/out")
	if [ "$rc" = 0 ] && [ "$n" -ge 2 ] && grep -q "$mixed/b.log.*Permission denied" "$tmp/err" &&
		[ "$(grep -c . "$tmp/err")" = 1 ]; then
		ok "scan-log DIR with one unreadable file (nobody): reported, the rest imported"
	else
		bad "scan-log DIR with one unreadable file (nobody): reported, the rest imported" \
			"rc $rc, $n incidents, stderr: $(head -c 300 "$tmp/err" | tr '\n' '|')"
	fi
	[ "$(id -u)" = 0 ] && # a store of another owner needs root to set up
	expect "scan-log --store into root's store as nobody: rc 2" 2 "$private.*Permission denied" -- "${nobody[@]}" "$bin" scan-log --store --state-dir "$private" "$log"
fi

# report
expect "report on a good store: rc 0" 0 "" -- "$bin" report --state-dir "$good"
expect "report --last on a good store: rc 0" 0 "" -- "$bin" report --last --state-dir "$good"
expect "report without a store: rc 1, nothing found" 1 "no incident" -- "$bin" report --state-dir "$tmp/nostore"
expect "report on an empty directory: rc 1" 1 "no incident" -- "$bin" report --state-dir "$tmp/empty"
expect "report of a store of another format: rc 2" 2 "$other/FORMAT.*unsupported store format" -- "$bin" report --state-dir "$other"
expect "report --json of a store of another format: rc 2" 2 "$other/FORMAT.*unsupported store format" -- "$bin" report --json --state-dir "$other"
expect "report of a store of corrupt records only: rc 2" 2 "$corrupt.*(unreadable|corrupt)" -- "$bin" report --state-dir "$corrupt"
expect "report --state-dir FILE: rc 2" 2 "$tmp/garbage.*[Nn]ot a directory" -- "$bin" report --state-dir "$tmp/garbage"
expect "report no-such-id: rc 1" 1 "no such incident" -- "$bin" report --state-dir "$good" nosuch-1
expect "report --json > /dev/full: rc 2" 2 "(standard output|stdout).*No space left" -- sh -c "'$bin' report --json --state-dir '$good' >/dev/full"
expect "report > /dev/full: rc 2" 2 "(standard output|stdout).*No space left" -- sh -c "'$bin' report --state-dir '$good' >/dev/full"
expect "report --since garbage: rc 2 usage" 2 "--since" -- "$bin" report --since garbage --state-dir "$good"
expect "report --bogus: rc 2 usage" 2 "--bogus" -- "$bin" report --bogus
if [ ${#nobody[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] && # a store of another owner needs root to set up
	expect "report as nobody on root's store: rc 2, permission" 2 "$private.*Permission denied" -- "${nobody[@]}" "$bin" report --state-dir "$private"
	[ "$(id -u)" = 0 ] && # a store of another owner needs root to set up
	expect "report --json as nobody on root's store: rc 2" 2 "$private.*Permission denied" -- "${nobody[@]}" "$bin" report --json --state-dir "$private"
fi

# run
expect "run --kmsg DIR --oneshot: rc 2" 2 "$tmp/dir.*(directory|Is a directory)" -- "$bin" run --oneshot --kmsg "$tmp/dir" --state-dir "$tmp/runstore"
expect "run with a store of another format: rc 2" 2 "$other/FORMAT.*unsupported store format" -- "$bin" run --oneshot --kmsg "$log" --state-dir "$other"
expect "run --kmsg garbage --oneshot: rc 0 (nothing to store is not an error)" 0 "" -- "$bin" run --oneshot --kmsg "$tmp/garbage" --state-dir "$tmp/runstore2"
if [ ${#nobody[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] && # a store of another owner needs root to set up
	expect "run as nobody, root's store: rc 2, permission" 2 "$private.*Permission denied" -- "${nobody[@]}" "$bin" run --oneshot --kmsg "$log" --state-dir "$private"
fi

# usage and --version on every command, and help/version to /dev/full
for cmd in run scan-log report explain; do
	expect "$cmd --version: rc 0" 0 "" -- "$bin" "$cmd" --version
	expect "$cmd --help > /dev/full: rc 2" 2 "No space left" -- sh -c "'$bin' $cmd --help >/dev/full"
done
expect "no command: rc 2" 2 "" -- "$bin"
expect "unknown command: rc 2" 2 "" -- "$bin" frobnicate

# A character device is read up to what it holds now, never followed.
if [ -r /dev/kmsg ]; then
	timeout 20 "$bin" scan-log /dev/kmsg >/dev/null 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc = 0 ] || [ $rc = 1 ]; then ok "scan-log /dev/kmsg ends (rc $rc)"; else bad "scan-log /dev/kmsg ends" "rc $rc: $(head -c 200 "$tmp/err")"; fi
fi
expect "scan-log /dev/null: rc 1" 1 "no incidents" -- "$bin" scan-log /dev/null
