#!/bin/sh
# Oracle: the kernel's own procfs view of the tasks of an incident, read
# right after the capture, for the VM test to compare with what hungtask
# captured. Usage: oracle.sh COMM... (tasks are found by name).
echo "@time $(date +%s)"
for comm in "$@"; do
	for pid in $(pidof "$comm"); do
		echo "@task $comm $pid"
		echo "@stack"
		cat /proc/$pid/stack
		echo "@sched"
		grep -E '^(se\.sum_exec_runtime|nr_voluntary_switches|nr_involuntary_switches)' /proc/$pid/sched
		echo "@status"
		grep -E 'ctxt_switches' /proc/$pid/status
		echo "@stat"
		cat /proc/$pid/stat
		echo "@end"
	done
done
echo "@time $(date +%s)"
