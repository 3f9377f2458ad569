#!/bin/sh
# Oracle: the kernel's own procfs view of the tasks of an incident, read
# right after the capture, for the VM test to compare with what hungtask
# captured (tests/vm/oracle_check.py). Usage: oracle.sh PATTERN...
# (shell patterns matched against /proc/PID/comm).
echo "@time $(date +%s)"
for d in /proc/[0-9]*; do
	comm=$(cat "$d/comm" 2>/dev/null) || continue
	for pat in "$@"; do
		case "$comm" in
		$pat) ;;
		*) continue ;;
		esac
		pid=${d#/proc/}
		echo "@task $comm $pid"
		echo "@stack"
		cat "$d/stack"
		echo "@sched"
		grep -E '^(se\.sum_exec_runtime|nr_voluntary_switches|nr_involuntary_switches)' "$d/sched"
		echo "@status"
		grep -E 'ctxt_switches' "$d/status"
		echo "@stat"
		cat "$d/stat"
		echo "@end"
		break
	done
done
echo "@time $(date +%s)"
