#!/usr/bin/env bash
# make install / uninstall with DESTDIR and PREFIX: the staged file list, man pages
# that render without warnings, bash completion that parses, uninstall leaves nothing.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/host/pkg-lib.sh
work=$top/build/check/pkg-install
mkdir -p "$work"
d=$work/stage
stage "$d" || { fail "install: make install DESTDIR=" "see $d.log"; exit 1; }
ver=$(build/hungtaskd --version | grep -o '[0-9][0-9.]*' | head -n1)
want="usr/lib/modprobe.d/hungtask.conf
usr/lib/modules-load.d/hungtask.conf
usr/lib/sysctl.d/60-hungtask.conf
usr/lib/systemd/catalog/hungtaskd.catalog
usr/lib/systemd/system/hungtaskd.service
usr/sbin/hungtaskd
usr/share/bash-completion/completions/hungtaskd
usr/share/man/man4/hungtask.4
usr/share/man/man8/hungtaskd.8
usr/src/hungtask-$ver/Kbuild
usr/src/hungtask-$ver/dkms.conf
usr/src/hungtask-$ver/proto/hungtask.h"
got=$(cd "$d" && find . -type f ! -path "./usr/src/hungtask-$ver/module/*" | sed 's|^\./||' | sort)
if [ "$got" = "$want" ] && [ -n "$(ls "$d/usr/src/hungtask-$ver/module/"*.c 2>/dev/null)" ]; then
	pass "install: make install DESTDIR= stages binary, unit, sysctl, modules-load, modprobe, catalog, man pages, completion, DKMS tree ($(cd "$d" && find . -type f | wc -l) files)"
else
	diff <(echo "$want") <(echo "$got")
	fail "install: make install DESTDIR= stages the expected files"
fi
for m in man8/hungtaskd.8 man4/hungtask.4; do
	if out=$(MANWIDTH=80 man --warnings -l "$d/usr/share/man/$m" 2>&1 >/dev/null) && [ -z "$out" ] &&
		[ "$(MANWIDTH=80 man -l "$d/usr/share/man/$m" 2>/dev/null | wc -l)" -gt 20 ]; then
		pass "install: man --warnings -l renders $m without warnings"
	else
		fail "install: man -l renders $m without warnings" "$(echo "$out" | head -n 3)"
	fi
done
if bash -n "$d/usr/share/bash-completion/completions/hungtaskd" &&
	r=$(bash -c '. "$1"; COMP_WORDS=(hungtaskd run --met); COMP_CWORD=2; _hungtaskd; echo "${COMPREPLY[*]}"' _ \
		"$d/usr/share/bash-completion/completions/hungtaskd") && [ "$r" = --metrics-dir ]; then
	pass "install: bash completion completes 'hungtaskd run --met' to --metrics-dir"
else
	fail "install: bash completion" "got '${r:-}'"
fi
# PREFIX moves everything but the DKMS tree; the unit follows the binary.
p=$work/prefix
rm -rf "$p"
if make -s install DESTDIR="$p" PREFIX=/usr/local >"$p.log" 2>&1 && [ -x "$p/usr/local/sbin/hungtaskd" ] &&
	grep -q '^ExecStart=/usr/local/sbin/hungtaskd ' "$p/usr/local/lib/systemd/system/hungtaskd.service"; then
	pass "install: PREFIX=/usr/local moves the binary and the unit's ExecStart"
else
	fail "install: PREFIX=/usr/local" "see $p.log"
fi
if make -s uninstall DESTDIR="$d" >"$d.uninstall.log" 2>&1 && [ -z "$(find "$d" -type f)" ] &&
	make -s uninstall DESTDIR="$p" PREFIX=/usr/local >/dev/null 2>&1 && [ -z "$(find "$p" -type f)" ]; then
	pass "install: make uninstall removes every installed file"
else
	fail "install: make uninstall removes every installed file" "$(find "$d" "$p" -type f | head -n 3)"
fi
# The fleet's alert rules (README "Shipping to a fleet").
if out=$(promtool check rules packaging/prometheus/hungtask.rules.yml 2>&1) && grep -q 'SUCCESS: 4 rules found' <<<"$out"; then
	pass "install: promtool check rules accepts packaging/prometheus/hungtask.rules.yml (4 rules)"
else
	fail "install: promtool check rules packaging/prometheus/hungtask.rules.yml" "$(echo "$out" | tail -n 2)"
fi
