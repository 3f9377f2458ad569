#!/usr/bin/env bash
# DKMS: the tree `make install` stages under /usr/src/hungtask-<ver>/ builds with
# `dkms build` for every installed non-RT header tree (6.1 and 6.12), in a private
# dkms tree (nothing is installed system-wide); dkms refuses the RT headers
# (BUILD_EXCLUSIVE_KERNEL); modinfo documents every parameter.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/host/pkg-lib.sh
. tools/kernel/lib.sh
work=$top/build/check/pkg-dkms
mkdir -p "$work"
stage "$work/stage" || { fail "dkms: make install stages the tree" "see $work/stage.log"; exit 1; }
src=$(echo "$work"/stage/usr/src/hungtask-*)
ver=${src##*/hungtask-}
[ -f "$src/dkms.conf" ] && [ -f "$src/proto/hungtask.h" ] &&
	grep -q "^PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf" &&
	pass "dkms: make install stages /usr/src/hungtask-$ver with dkms.conf and the protocol header" ||
	fail "dkms: make install stages /usr/src/hungtask-$ver with dkms.conf and the protocol header"

# dkms wants a source tree holding NAME-VER; a private dkms tree holds the builds.
dtree=$work/dkms
rm -rf "$dtree" && mkdir -p "$dtree"
dkms_() { dkms --dkmstree "$dtree" --sourcetree "$work/stage/usr/src" "$@"; }
if ! dkms_ add -m hungtask -v "$ver" >"$work/add.log" 2>&1; then
	fail "dkms: add" "$(tail -n 3 "$work/add.log")"
	exit 1
fi
for k in 6.1 6.12; do
	abi=$(kernel_abi "$k") || { fail "dkms build for $k" "no headers for $k"; continue; }
	log=$work/build-$abi.log
	if dkms_ build -m hungtask -v "$ver" -k "$abi" --kernelsourcedir "/usr/src/linux-headers-$abi" \
		>"$log" 2>&1 && ko=$(find "$dtree/hungtask/$ver/$abi" -name 'hungtask.ko*' | head -n1) && [ -n "$ko" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$abi" ]; then
		pass "dkms: dkms build of the staged tree for $abi"
		# Every parameter (modinfo's parmtype list, and the parm list) has a description.
		undoc=$(modinfo -F parmtype "$ko" | cut -d: -f1 | while read -r p; do
			modinfo -F parm "$ko" | grep -qE "^$p: *[^( ]" || echo "$p"; done | tr '\n' ' ')
		undoc+=$(modinfo -F parm "$ko" | awk -F: '$2 ~ /^ *$/ || $2 ~ /^ *\(/ {print $1}' | tr '\n' ' ')
		n=$(modinfo -F parm "$ko" | wc -l)
		if [ "$n" -gt 0 ] && [ -z "$undoc" ]; then
			pass "dkms: modinfo describes all $n parameters ($abi)"
		else
			fail "dkms: modinfo describes every parameter ($abi)" "undocumented: $undoc"
		fi
	else
		tail -n 5 "$log"
		fail "dkms: dkms build of the staged tree for $abi" "see $log"
	fi
done
# BUILD_EXCLUSIVE_KERNEL keeps PREEMPT_RT out.
rt=$(dpkg-query -W -f='${Depends}' linux-headers-rt-amd64 2>/dev/null | tr ',' '\n' |
	sed -n 's/^ *linux-headers-\([^ ]*-rt-amd64\).*/\1/p' | head -n1)
if [ -z "$rt" ]; then
	fail "dkms: refuses an RT kernel" "no RT headers installed"
else
	dkms_ build -m hungtask -v "$ver" -k "$rt" --kernelsourcedir "/usr/src/linux-headers-$rt" >"$work/build-rt.log" 2>&1
	rc=$?
	if grep -qi 'BUILD_EXCLUSIVE' "$work/build-rt.log" && [ -z "$(find "$dtree/hungtask/$ver/$rt" -name 'hungtask.ko*' 2>/dev/null)" ]; then
		pass "dkms: BUILD_EXCLUSIVE_KERNEL refuses the RT kernel $rt (rc $rc)"
	else
		fail "dkms: BUILD_EXCLUSIVE_KERNEL refuses the RT kernel $rt" "see $work/build-rt.log"
	fi
fi
# The regex, on names of both conventions.
re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$src/dkms.conf")
bad=
for v in 6.1.0-57-amd64 6.1.0-57-cloud-amd64 6.12.117+deb12-amd64 6.12.5 6.1.120-custom; do [[ $v =~ $re ]] || bad+="$v must match; "; done
for v in 6.1.0-57-rt-amd64 6.12.117+deb12-rt-amd64 6.1.120-rt47 6.10.3-amd64 6.18.44 5.10.0-30-amd64 6.13.1; do [[ $v =~ $re ]] && bad+="$v must not match; "; done
[ -z "$bad" ] && pass "dkms: BUILD_EXCLUSIVE_KERNEL matches the 6.1 and 6.12 series, not -rt nor other series" ||
	fail "dkms: BUILD_EXCLUSIVE_KERNEL matches the 6.1 and 6.12 series, not -rt nor other series" "$bad"
