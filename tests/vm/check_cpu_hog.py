#!/usr/bin/python3
"""usage: check_cpu_hog.py REPORT.json --none
       check_cpu_hog.py REPORT.json HOG_COMM HOG_FUNCTION HOG_MODULE [--victim COMM] [--ended]

The hog sampler (module/hog.c) in a scenario's export:
- --none: no incident has trigger cpu_hog (an idle host: no false report);
- otherwise an incident with trigger cpu_hog whose verdict is cpu_hog with culprit
  HOG_COMM, HOG_FUNCTION in HOG_MODULE, its cpu hop verified, held for at least 1 s;
- --victim COMM: the hung-task incident of that victim (same boot) has a larger seq than
  the first such cpu_hog incident and lists it in `related`;
- --ended: one of those cpu_hog incidents is the end record (its cpu hop's reason says
  "ended: held CPU N for S s").
Prints what failed, or a one-line summary; exits 1 on failure.
"""
import json
import re
import sys


def main():
    a = sys.argv[1:]
    if len(a) < 2:
        print(__doc__)
        return 2
    report = json.load(open(a[0]))
    hogs = [i for i in report if i.get("trigger") == "cpu_hog"]
    if a[1] == "--none":
        if hogs:
            print(f"{len(hogs)} cpu_hog incident(s) on an idle host: "
                  f"{[(h.get('id'), (h.get('verdict') or {}).get('culprit')) for h in hogs]}")
            return 1
        print(f"no cpu_hog incident among {len(report)}")
        return 0
    comm, func, mod = a[1], a[2], a[3]
    victim = a[a.index("--victim") + 1] if "--victim" in a else None
    good = []
    for h in hogs:
        v = h.get("verdict") or {}
        c = v.get("culprit") or {}
        cpu = [x for x in h.get("chain") or [] if x.get("kind") == "cpu"]
        if (v.get("kind") == "cpu_hog" and c.get("comm") == comm and c.get("function") == func
                and c.get("module") == mod and cpu and cpu[0].get("verified")
                and ((h.get("victims") or [{}])[0].get("blocked_s") or 0) >= 1):
            good.append(h)
    if not good:
        print(f"no cpu_hog incident with culprit {comm} {func} [{mod}]; cpu_hog incidents: "
              f"{[(h.get('id'), h.get('verdict')) for h in hogs]}")
        return 1
    first = min(good, key=lambda h: h.get("seq", 0))
    msg = f"{len(good)} cpu_hog incident(s) for {comm}, first {first['id']} seq {first.get('seq')}"
    if "--ended" in a:
        ends = [h for h in good for x in h["chain"]
                if x.get("kind") == "cpu" and re.search(r"ended: held CPU \d+ for [0-9.]+ s",
                                                        x.get("reason") or "")]
        if not ends:
            print(f"{msg}; no end record: {[x.get('reason') for h in good for x in h['chain']]}")
            return 1
        msg += "; end record: " + [x["reason"] for x in ends[-1]["chain"] if x.get("kind") == "cpu"][0]
    if victim:
        hung = [i for i in report if i.get("trigger") == "hung_task"
                and i.get("boot_id") == first.get("boot_id")
                and any(v.get("comm") == victim for v in i.get("victims") or [])]
        if not hung:
            print(f"{msg}; no hung_task incident of {victim} in the same boot")
            return 1
        h = min(hung, key=lambda i: i.get("seq", 0))
        if not h.get("seq", 0) > first.get("seq", 0):
            print(f"{msg}; the hung_task incident {h['id']} (seq {h.get('seq')}) is not after it")
            return 1
        if first["id"] not in (h.get("related") or []):
            print(f"{msg}; hung_task incident {h['id']} does not list it in related: {h.get('related')}")
            return 1
        msg += f"; before hung_task {h['id']} seq {h.get('seq')}, linked (related)"
    print(msg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
