# shellcheck shell=bash
# Shared by tests/host/pkg-*.sh: result lines in tests/check's format
# ("PASS  name" / "FAIL  name: detail"), and the staged install tree.
pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s%s\n' "$1" "${2:+: $2}"; }
# stage DIR: `make install DESTDIR=DIR` (the daemon must be built already).
stage() {
	rm -rf "$1"
	make -s install DESTDIR="$1" >"$1.log" 2>&1
}
