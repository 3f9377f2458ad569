# shellcheck shell=bash
# Kernel resolution shared by the Makefile and the VM bench.
#
# A kernel is named by its series (6.1 or 6.12). The exact ABI is never
# hard-coded: it is read from the headers package apt installed, so the
# headers we build against and the image we boot are the same release.

HUNGTASK_CACHE=${HUNGTASK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hungtask}

# Meta package that pulls the headers of each series.
kernel_headers_meta() {
	case "$1" in
	6.1) echo linux-headers-amd64 ;;
	6.12) echo linux-headers-6.12-amd64 ;;
	*) echo "unknown kernel series '$1' (expected 6.1 or 6.12)" >&2; return 2 ;;
	esac
}

# kernel_abi SERIES -> e.g. 6.1.0-56-amd64, from the installed meta package.
kernel_abi() {
	local meta dep
	meta=$(kernel_headers_meta "$1") || return 2
	dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null) || {
		echo "$meta is not installed; run 'make deps'" >&2
		return 2
	}
	dep=$(printf '%s\n' "$dep" | tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\) .*/\1/p' | head -n1)
	[ -n "$dep" ] || { echo "cannot read the ABI from $meta's dependencies" >&2; return 2; }
	echo "$dep"
}

# kernel_pkg_version ABI -> the Debian version of the installed headers.
kernel_pkg_version() {
	dpkg-query -W -f='${Version}' "linux-headers-$1" 2>/dev/null
}

kernel_kdir() {
	local abi
	abi=$(kernel_abi "$1") || return 2
	echo "/usr/src/linux-headers-$abi"
}

kernel_cache_dir() {
	echo "$HUNGTASK_CACHE/kernels/$1"
}
