#!/usr/bin/python3
"""Check the cpu hops of every incident in a report against a scenario's "cpu_hops".

usage: check_cpu_hops.py REPORT.json EXPECTED.json

For every incident: a cpu hop's hog is never khungtaskd (the detector that
runs the capture), and a hog found only by the task walk is not verified.
EXPECTED.json's "cpu_hops" maps a victim comm to what its cpu hop must show:
cpu, verified, hog_source, hog_comm_prefix, no_hog_stack, hog_stack_has,
stack_note_has. Prints one line per failed expectation; exit 1 if any failed.
"""
import json
import sys


def main():
    report = json.load(open(sys.argv[1]))
    exp = json.load(open(sys.argv[2])).get("cpu_hops", {})
    msgs = []
    seen = {}
    for inc in report:
        comms = [v.get("comm") for v in inc.get("victims") or []]
        for h in inc.get("chain") or []:
            if h.get("kind") != "cpu":
                continue
            hog = h.get("hog") or {}
            if hog.get("comm") == "khungtaskd":
                msgs.append(f"{comms}: cpu hop names khungtaskd, the detector itself, as the hog")
            if h.get("hog_source") == "walk" and h.get("verified"):
                msgs.append(f"{comms}: cpu hop verified with a hog found only by the task walk")
            for c in comms:
                seen.setdefault(c, h)
    for comm, want in exp.items():
        h = seen.get(comm)
        if h is None:
            msgs.append(f"{comm}: no incident with a cpu hop (victims with one: {sorted(seen)})")
            continue
        hog = h.get("hog") or {}
        stack = h.get("hog_stack") or []
        note = h.get("stack_note") or ""
        got = f"(cpu hop: cpu={h.get('cpu')} verified={h.get('verified')} source={h.get('hog_source')} " \
              f"hog={hog.get('comm')} stack={stack[:3]} note={note!r} reason={h.get('reason')!r})"
        for k in ("cpu", "verified", "hog_source"):
            if k in want and h.get(k) != want[k]:
                msgs.append(f"{comm}: {k} is {h.get(k)!r}, expected {want[k]!r} {got}")
        if "hog_comm_prefix" in want and not str(hog.get("comm")).startswith(want["hog_comm_prefix"]):
            msgs.append(f"{comm}: hog comm {hog.get('comm')!r} does not start with {want['hog_comm_prefix']!r} {got}")
        if want.get("no_hog_stack") and stack:
            msgs.append(f"{comm}: has a hog stack, expected none {got}")
        if "hog_stack_has" in want and not any(want["hog_stack_has"] in f for f in stack):
            msgs.append(f"{comm}: hog stack lacks {want['hog_stack_has']!r} {got}")
        if "stack_note_has" in want and want["stack_note_has"] not in note:
            msgs.append(f"{comm}: stack note lacks {want['stack_note_has']!r} {got}")
    for m in msgs:
        print(m)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main())
