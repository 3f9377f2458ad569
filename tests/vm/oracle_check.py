#!/usr/bin/python3
"""Compare what hungtask captured with the kernel's own procfs, read in the
same guest right after the capture (tests/scenarios/common/oracle.sh).

usage: oracle_check.py REPORT.json AFTER.txt VICTIM_COMM

Checks, for the incident of VICTIM_COMM:
  - the victim's stack equals /proc/PID/stack (function names, in order);
  - the CPU of the victim, the worker and the hog equals field 39 of /proc/PID/stat;
  - the hog's voluntary and involuntary switches equal /proc/PID/sched and
    /proc/PID/status, and its runtime is at most the time between the two
    reads behind /proc/PID/sched's se.sum_exec_runtime.
Prints one line per failed check; exit 1 if any failed.
"""
import datetime
import json
import re
import sys


def parse_after(path):
    tasks, times, cur, section = {}, [], None, None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("@time "):
            times.append(int(line.split()[1]))
        elif line.startswith("@task "):
            _, comm, pid = line.split(" ", 2)
            cur = {"comm": comm, "pid": int(pid), "stack": [], "sched": {}, "status": {}, "stat": None}
            tasks[int(pid)] = cur
        elif line in ("@stack", "@sched", "@status", "@stat"):
            section = line[1:]
        elif line == "@end":
            cur, section = None, None
        elif cur is not None and section == "stack" and line.startswith("[<"):
            cur["stack"].append(re.sub(r"^\[<[0-9a-f]+>\] ", "", line))
        elif cur is not None and section == "sched" and ":" in line:
            k, v = line.split(":", 1)
            cur["sched"][k.strip()] = float(v.strip())
        elif cur is not None and section == "status" and ":" in line:
            k, v = line.split(":", 1)
            cur["status"][k.strip()] = int(v.strip())
        elif cur is not None and section == "stat" and line:
            rest = line[line.rindex(")") + 2:].split()
            cur["stat"] = rest  # rest[0] is field 3
    return tasks, times


def fn(frame):
    return re.sub(r"\+0x[0-9a-f]+/0x[0-9a-f]+", "", frame).strip()


def main():
    report_path, after_path, victim_comm = sys.argv[1:4]
    report = json.load(open(report_path))
    tasks, times = parse_after(after_path)
    msgs = []
    inc = next((i for i in report for v in i["victims"] if v["comm"] == victim_comm), None)
    if inc is None:
        print(f"no incident for {victim_comm}")
        return 1
    victim = inc["victims"][0]

    def field39(pid):
        t = tasks.get(pid)
        return int(t["stat"][36]) if t and t["stat"] else None

    vt = tasks.get(victim["pid"])
    if vt is None:
        msgs.append(f"oracle has no task for victim pid {victim['pid']}")
    else:
        ours, theirs = [fn(f) for f in victim["stack"]], [fn(f) for f in vt["stack"]]
        # /proc/PID/stack skips the scheduler frames the capture keeps at the top.
        if not theirs or ours[-len(theirs):] != theirs:
            msgs.append(f"victim stack {ours} does not end with /proc/{victim['pid']}/stack {theirs}")
        if victim.get("cpu") != field39(victim["pid"]):
            msgs.append(f"victim cpu {victim.get('cpu')} != /proc stat field 39 {field39(victim['pid'])}")
    for hop in inc["chain"]:
        if hop["kind"] == "worker" and hop.get("task"):
            w = hop["task"]
            if w["pid"] in tasks and w["cpu"] != field39(w["pid"]):
                msgs.append(f"worker {w['comm']} cpu {w['cpu']} != field 39 {field39(w['pid'])}")
            if w["pid"] not in tasks:
                msgs.append(f"oracle has no task for worker pid {w['pid']} ({w['comm']})")
        if hop["kind"] == "cpu" and hop.get("hog"):
            h = hop["hog"]
            t = tasks.get(h["pid"])
            if t is None:
                msgs.append(f"oracle has no task for hog pid {h['pid']}")
                continue
            if h["cpu"] != field39(h["pid"]):
                msgs.append(f"hog cpu {h['cpu']} != field 39 {field39(h['pid'])}")
            if h["nvcsw"] != int(t["sched"]["nr_voluntary_switches"]) or \
               h["nvcsw"] != t["status"]["voluntary_ctxt_switches"]:
                msgs.append(f"hog nvcsw {h['nvcsw']} != /proc {t['sched']['nr_voluntary_switches']}/{t['status']['voluntary_ctxt_switches']}")
            if h["nivcsw"] != int(t["sched"]["nr_involuntary_switches"]) or \
               h["nivcsw"] != t["status"]["nonvoluntary_ctxt_switches"]:
                msgs.append(f"hog nivcsw {h['nivcsw']} != /proc {t['sched']['nr_involuntary_switches']}/{t['status']['nonvoluntary_ctxt_switches']}")
            ours_ms = h["runtime_ns"] / 1e6
            theirs_ms = t["sched"]["se.sum_exec_runtime"]
            detected = datetime.datetime.strptime(inc["detected_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
            gap_ms = (times[-1] - detected + 2) * 1000  # whole seconds on both sides
            if not (0 <= theirs_ms - ours_ms <= gap_ms):
                msgs.append(f"hog runtime {ours_ms:.1f} ms vs /proc {theirs_ms:.1f} ms: not within the {gap_ms:.0f} ms between the reads")
    for m in msgs:
        print(m)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main())
