#!/usr/bin/env bash
# `make deb DEB_FLAGS=-A`: the hungtask-dkms package with debhelper + dh-dkms (nothing
# compiled, about 45 s with lintian), then lintian shows no error or warning.  The full
# `make deb` (also hungtaskd, a clean compile of the daemon: about 10 minutes on a loaded
# 2-core host) is too slow for make check; run it by hand.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/host/pkg-lib.sh
log=$top/build/check/pkg-deb.log
mkdir -p "$(dirname "$log")"
if make -s deb DEB_FLAGS=-A >"$log" 2>&1 && deb=$(ls build/deb/hungtask-dkms_*_all.deb) &&
	dpkg-deb -f "$deb" Depends | grep -q 'dkms' && dpkg-deb -c "$deb" | grep '/usr/src/hungtask-.*/dkms.conf$' >/dev/null &&
	dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst | grep 'dkms' >/dev/null; then
	pass "deb: make deb builds hungtask-dkms with dh_dkms (Depends: dkms, postinst registers the source)"
else
	fail "deb: make deb builds hungtask-dkms with dh_dkms" "see $log"
fi
tags=$(grep -E '^[EW]: ' build/deb/lintian.txt 2>/dev/null)
if [ -f build/deb/lintian.txt ] && [ -z "$tags" ]; then
	pass "deb: lintian shows no error or warning on hungtask-dkms"
else
	fail "deb: lintian shows no error or warning" "$(echo "$tags" | head -n 3)"
fi
