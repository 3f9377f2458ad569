#!/usr/bin/env bash
# tests/host/cli_docs.sh HUNGTASKD
#
# --help of every command is complete and the documentation agrees with it: every
# option a command's --help names is accepted by that command (no "unknown option"),
# is in the man page's SYNOPSIS line of that command and in its OPTIONS, is in the
# README, and is offered by the bash completion for that command; every option the
# man page's synopsis or the completion gives a command is in that command's --help.
# Prints "ok - NAME" or "not ok - NAME: DETAIL".
set -u
bin=$(readlink -f "${1:?usage: cli_docs.sh HUNGTASKD}")
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/ht-cli-docs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
man=$top/packaging/man/hungtaskd.8
comp=$top/packaging/bash-completion/hungtaskd

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; }

# The man page's text with \- as -, one synopsis block per command (".B hungtaskd CMD"
# up to the next .br or .SH).
sed 's/\\-/-/g' "$man" >"$tmp/man"
synopsis() { awk -v c="$1" '/^\.SH SYNOPSIS/{s=1; next} /^\.SH/{s=0} s && $0 ~ "^\\.B hungtaskd "c"$"{p=1; next} p && /^\.br|^\.SH/{p=0} p' "$tmp/man"; }
# OPTIONS of CMD: ".SS CMD" up to the next .SS/.SH.
options() { awk -v c="$1" '/^\.SS /{p=($2==c); next} /^\.SH/{p=0} p' "$tmp/man"; }
opts_of() { grep -oE -- '(^|[^a-z-])(--[a-z][a-z-]*|-b)\b' | grep -oE -- '--?[a-z][a-z-]*' | sort -u; }

for c in run scan-log report explain; do
	"$bin" "$c" --help >"$tmp/help" 2>&1
	# The usage lines and the option lines ("  --name ..."), not the prose.
	help_opts=$(awk '/^Usage:/{u=1} u && /^$/{u=0} u || /^  -/' "$tmp/help" | opts_of |
		grep -vx -- '--help\|--version')
	syn=$(synopsis "$c")
	opt=$(options "$c")
	compl=$(sed -n "s/^[[:space:]]*$c) opts=\"\\(.*\\)\" ;;/\\1/p" "$comp")
	miss=""
	for o in $help_opts; do
		# Accepted: the parser does not call it unknown (a trailing bogus option makes
		# every command stop at parsing; run never starts).
		(cd "$tmp" && timeout 10 "$bin" "$c" "$o" --zz-bogus --zz-bogus >/dev/null 2>"$tmp/err")
		grep -q -- "error: $o: unknown option" "$tmp/err" && miss="$miss $o:parser"
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" <<<"$syn" || miss="$miss $o:man-synopsis"
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" <<<"$opt" || miss="$miss $o:man-options"
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$top/README.md" || miss="$miss $o:README"
		grep -qE -- "(^| )$o( |\$)" <<<"$compl" || miss="$miss $o:completion"
	done
	for o in $(opts_of <<<"$syn$compl" | grep -vx -- '--help\|--version'); do
		grep -qx -- "$o" <<<"$help_opts" || miss="$miss $o:not-in-help"
	done
	if [ -n "$help_opts" ] && [ -z "$miss" ]; then
		ok "$c --help: its $(wc -w <<<"$help_opts") options are accepted, in the man page (synopsis, options), the README and the completion"
	else
		bad "$c --help and the docs agree" "${miss:- no option found in --help}"
	fi
done
