#!/usr/bin/python3
"""Check the victim-abi scenario's report (tests/scenarios/victim-abi/run).

usage: victim_abi_check.py REPORT.json abi | REPORT.json woken CONSOLE.log

abi:   each compat victim's syscall is named from its own ABI's table, with
       that ABI in the record, and the ia32 openat has its path (from ecx).
woken: acme-woken, woken in the middle of its first capture's stack scan: that
       capture (its kmsg record in the guest's console log) discarded what
       was read, followed no chain and says so (stack_note, also stored), and
       a later capture has the whole chain.
Prints one line per failed expectation; exit 1 if any failed.
"""
import json
import re
import sys

ABI_VICTIMS = {
    # comm: (syscall, syscall_abi, path or None)
    "acme-ia32": ("write", "ia32", None),
    "acme-open32": ("openat", "ia32", "/proc/acme_open"),  # glibc open() is openat
    "acme-int80": ("write", "ia32", None),
    "acme-x32": ("write", "x32", None),
}


def incidents_of(report, comm):
    return [i for i in report if any(v.get("comm") == comm for v in i.get("victims") or [])]


def check_abi(report, msgs):
    for comm, (syscall, abi, path) in ABI_VICTIMS.items():
        incs = incidents_of(report, comm)
        if not incs:
            msgs.append(f"no incident for {comm}")
            continue
        for inc in incs:
            v = next(v for v in inc["victims"] if v.get("comm") == comm)
            got = (v.get("syscall"), v.get("syscall_abi"))
            if got != (syscall, abi):
                msgs.append(f"{comm}: syscall {got[0]!r} abi {got[1]!r}, expected {syscall!r} {abi!r}")
            if path is not None and v.get("path") != path:
                msgs.append(f"{comm}: path {v.get('path')!r}, expected {path!r}")
            if path is None and v.get("path"):
                msgs.append(f"{comm}: path {v.get('path')!r} for a syscall without one")


def check_woken(report, msgs, console):
    """The module's own records (kmsg, in the console log) show each capture as taken;
    the daemon merges the captures of one task into one stored incident."""
    note_re = r"acme-woken\[(\d+)\]: woke or ran during the stack read: result discarded"
    incs = incidents_of(report, "acme-woken")
    notes = [(i.get("capture") or {}).get("stack_note") or "" for i in incs]
    if not any(re.fullmatch(note_re, n) for n in notes):
        msgs.append(f"no stored acme-woken incident carries the stack note ({len(incs)} incidents, notes {notes})")
    try:
        lines = open(console, errors="replace").read().replace("\r", "").splitlines()
    except OSError as e:
        msgs.append(f"cannot read {console}: {e}")
        return
    rec = re.compile(r"hungtask: v[12] seq=(\d+) (\w+) (.*)$")
    by_seq = {}
    for line in lines:
        m = rec.search(line)
        if m:
            by_seq.setdefault(int(m.group(1)), []).append((m.group(2), m.group(3)))
    woken = [s for s, recs in by_seq.items()
             if any(r == "victim" and 'comm="acme-woken"' in rest for r, rest in recs)]
    discarded = [s for s in woken
                 if any(r == "stack_note" and re.search(note_re, rest) for r, rest in by_seq[s])]
    if not discarded:
        msgs.append(f"no module record of acme-woken (seqs {woken}) has the stack_note")
    for s in discarded:
        # v1: "end hops=N"; v2: "end hops=N truncated=... <host facts>".
        ends = [rest for r, rest in by_seq[s] if r == "end"]
        if [e.split()[0] if e else "" for e in ends] != ["hops=0"]:
            msgs.append(f"seq {s}: the discarded capture still followed a chain (end {ends})")
    whole = [s for s in woken if s not in discarded and
             any(r == "hop" and "kind=flush_work verified=1" in rest for r, rest in by_seq[s])]
    if not any(s > min(discarded, default=1 << 30) for s in whole):
        msgs.append(f"no later capture of acme-woken with a verified flush_work hop (seqs {woken})")


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("abi", "woken") or \
            (sys.argv[2] == "woken") != (len(sys.argv) == 4):
        print(__doc__.strip().splitlines()[2])
        return 2
    try:
        report = json.load(open(sys.argv[1]))
    except (OSError, ValueError) as e:
        print(f"report {sys.argv[1]} is not readable JSON: {e}")
        return 1
    msgs = []
    if sys.argv[2] == "abi":
        check_abi(report, msgs)
    else:
        check_woken(report, msgs, sys.argv[3])
    for m in msgs:
        print(m)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main())
