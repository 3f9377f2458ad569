#!/usr/bin/python3
"""Assert what a user would check in an exported incident report.

usage: assert_report.py REPORT.json EXPECTED.json [--abi ABI] [--part victim,verdict,chain,host]

EXPECTED.json (beside each scenario) names the victim, the verdict, the chain
and host facts; or it holds {"incidents": [...]}, a list of such objects, one
per victim of the same boot, each checked on the PARTS it names. Prints one
line per failed expectation; exit 1 if any failed.
"""
import argparse
import json
import sys


def fail(msgs, text):
    msgs.append(text)


def find_victim_incident(report, exp_victim):
    for inc in report:
        for v in inc.get("victims") or []:
            if v.get("comm") == exp_victim["comm"]:
                return inc, v
    return None, None


def check_incident(report, exp, parts, abi):
    """The failed expectations of one expected victim's incident."""
    msgs = []
    inc, victim = find_victim_incident(report, exp["victim"])
    if inc is None:
        comms = [v.get("comm") for i in report for v in i.get("victims") or []]
        return [f"no incident has victim {exp['victim']['comm']!r}; victims seen: {comms}"]
    for field in ("id", "boot_id", "seq", "detected_at", "trigger"):
        if inc.get(field) in (None, ""):
            fail(msgs, f"incident field {field!r} is missing")
    if "victim" in parts:
        ev = exp["victim"]
        if victim.get("state") != "D":
            fail(msgs, f"victim state is {victim.get('state')!r}, expected 'D'")
        if not isinstance(victim.get("pid"), int) or victim["pid"] <= 1:
            fail(msgs, f"victim pid {victim.get('pid')!r} is not a user pid")
        if "path" in ev and victim.get("path") != ev["path"]:
            fail(msgs, f"victim path is {victim.get('path')!r}, expected {ev['path']!r}")
        if "syscall" in ev and victim.get("syscall") != ev["syscall"]:
            fail(msgs, f"victim syscall is {victim.get('syscall')!r}, expected {ev['syscall']!r}")
        stack = " ".join(victim.get("stack") or [])
        for fn in ev.get("stack_has", []):
            if fn not in stack:
                fail(msgs, f"victim stack lacks {fn!r}: {victim.get('stack')}")
        if not isinstance(victim.get("blocked_s"), (int, float)) or victim["blocked_s"] < 1:
            fail(msgs, f"victim blocked_s {victim.get('blocked_s')!r} is not a positive time")
    if abi:
        rel = (inc.get("host") or {}).get("kernel_release")
        if rel != abi:
            fail(msgs, f"host.kernel_release is {rel!r}, expected {abi!r}")
    if "verdict" in parts:
        ev, v = exp["verdict"], inc.get("verdict") or {}
        if v.get("kind") != ev["kind"]:
            fail(msgs, f"verdict kind is {v.get('kind')!r}, expected {ev['kind']!r}")
        for want in ev.get("summary_has", []):
            if want not in str(v.get("summary")):
                fail(msgs, f"verdict summary lacks {want!r}: {v.get('summary')!r}")
        if ev.get("culprit") is None and "culprit" in ev and v.get("culprit") is not None:
            fail(msgs, f"verdict names culprit {v.get('culprit')!r}, expected none")
        culprit = v.get("culprit") or {}
        for k, want in (ev.get("culprit") or {}).items():
            if k == "comm_prefix":
                if not str(culprit.get("comm")).startswith(want):
                    fail(msgs, f"culprit comm {culprit.get('comm')!r} does not start with {want!r}")
                continue
            if culprit.get(k) != want:
                fail(msgs, f"culprit {k} is {culprit.get(k)!r}, expected {want!r}")
    if "chain" in parts:
        kinds = [h.get("kind") for h in inc.get("chain") or []]
        want = exp["chain"]
        it = iter(kinds)
        if not all(k in it for k in want):
            fail(msgs, f"chain kinds {kinds} do not hold {want} in order")
    hops = {}  # the first hop of each kind (a chain may hold several mutex hops)
    for h in inc.get("chain") or []:
        hops.setdefault(h.get("kind"), h)
    if "flush_work" in parts:
        f = hops.get("flush_work") or {}
        for k, want in exp["flush_work"].items():
            if f.get(k) != want:
                fail(msgs, f"flush_work.{k} is {f.get(k)!r}, expected {want!r}")
        if not f.get("verified"):
            fail(msgs, f"flush_work hop not verified: {f.get('reason')!r}")
    if "worker" in parts:
        w = hops.get("worker") or {}
        task = w.get("task") or {}
        for k, want in exp["worker"].items():
            if k == "comm_prefix":
                if not str(task.get("comm")).startswith(want):
                    fail(msgs, f"worker comm {task.get('comm')!r} does not start with {want!r}")
                continue
            got = w.get(k, task.get(k))
            if got != want:
                fail(msgs, f"worker {k} is {got!r}, expected {want!r}")
        if not w.get("verified"):
            fail(msgs, f"worker hop not verified: {w.get('reason')!r}")
        f = hops.get("flush_work") or {}
        if f.get("target_state") == "running" and f.get("executing_pid") != task.get("pid"):
            fail(msgs, f"running target: executing_pid {f.get('executing_pid')} is not the worker {task.get('pid')}")
    if "cpu" in parts:
        c = hops.get("cpu") or {}
        ec = exp["cpu"]
        if c.get("cpu") != ec["cpu"]:
            fail(msgs, f"cpu hop cpu is {c.get('cpu')!r}, expected {ec['cpu']!r}")
        hog = c.get("hog") or {}
        for k, want in ec.get("hog", {}).items():
            if hog.get(k) != want:
                fail(msgs, f"hog {k} is {hog.get(k)!r}, expected {want!r}")
        if (hog.get("runtime_ns") or 0) < ec.get("min_runtime_ns", 0):
            fail(msgs, f"hog runtime_ns {hog.get('runtime_ns')} < {ec.get('min_runtime_ns')}")
        if not c.get("hog_stack"):
            fail(msgs, f"no hog stack: {c.get('stack_note')!r}")
        elif ec.get("hog_stack_top") and ec["hog_stack_top"] not in c["hog_stack"][0]:
            fail(msgs, f"hog stack starts at {c['hog_stack'][0]!r}, expected {ec['hog_stack_top']!r}")
        waiting = [w.get("pid") for w in c.get("runq") or []]
        wt = (hops.get("worker") or {}).get("task") or {}
        if ec.get("worker_in_runq") and wt.get("pid") not in waiting:
            fail(msgs, f"the worker {wt.get('pid')} is not among the runqueue waiters {waiting}")
    for kind in ("mutex", "rwsem", "semaphore"):
        if kind not in parts or kind not in exp:
            continue
        # A lock hop (docs/design-locks.md 7): its own keys; owner is a task
        # object like the worker hop's "task".
        m = hops.get(kind) or {}
        if not m:
            fail(msgs, f"no {kind} hop in the chain {[h.get('kind') for h in inc.get('chain') or []]}")
        for k, want in exp[kind].items():
            if k == "owner":
                owner = m.get("owner") or {}
                for ok, ow in want.items():
                    if owner.get(ok) != ow:
                        fail(msgs, f"{kind} owner {ok} is {owner.get(ok)!r}, expected {ow!r}")
            elif k == "owner_stack_has":
                if want not in " ".join(m.get("owner_stack") or []):
                    fail(msgs, f"{kind} owner stack lacks {want!r}: {m.get('owner_stack')}")
            elif k == "lock_sym_has":
                if want not in str(m.get("lock_sym")):
                    fail(msgs, f"{kind} lock_sym {m.get('lock_sym')!r} lacks {want!r}")
            elif k == "reason_has":
                if want not in str(m.get("reason")):
                    fail(msgs, f"{kind} reason {m.get('reason')!r} lacks {want!r}")
            elif k == "min_owner_offcpu_ns":
                if not isinstance(m.get("owner_offcpu_ns"), int) or m["owner_offcpu_ns"] < want:
                    fail(msgs, f"{kind} owner_offcpu_ns {m.get('owner_offcpu_ns')!r} < {want}")
            elif k == "min_waiters":
                if not isinstance(m.get("waiters"), int) or m["waiters"] < want:
                    fail(msgs, f"{kind} waiters {m.get('waiters')!r} < {want}")
            elif m.get(k) != want:
                fail(msgs, f"{kind} {k} is {m.get(k)!r}, expected {want!r}")
    if "cycle" in parts:
        # The hop that closes a deadlock (issue 11 item 5): 1-based index in the chain,
        # marked cycle, the last hop; its lock and its owner (a task already in the chain).
        ec = exp["cycle"]
        chain = inc.get("chain") or []
        i = ec["hop"] - 1
        h = chain[i] if 0 <= i < len(chain) else {}
        if h.get("cycle") is not True:
            fail(msgs, f"hop {ec['hop']} ({h.get('kind')}) is not marked cycle: {h.get('cycle')!r}")
        if i != len(chain) - 1:
            fail(msgs, f"the cycle hop {ec['hop']} is not the last of {len(chain)} hops")
        if not h.get("verified"):
            fail(msgs, f"cycle hop not verified: {h.get('reason')!r}")
        if "lock_sym_has" in ec and ec["lock_sym_has"] not in str(h.get("lock_sym")):
            fail(msgs, f"cycle hop lock_sym {h.get('lock_sym')!r} lacks {ec['lock_sym_has']!r}")
        owner = h.get("owner") or {}
        for ok, ow in (ec.get("owner") or {}).items():
            if owner.get(ok) != ow:
                fail(msgs, f"cycle hop owner {ok} is {owner.get(ok)!r}, expected {ow!r}")
    if "coalesce" in parts:
        # Many victims of one cause: one incident counting them, a bounded sample, a
        # chain fingerprint (module/coalesce.c, model/fingerprint.hpp).
        ec = exp.get("coalesce") or {}
        # The hung-task incidents of this case's own tasks (the victim, the comms its
        # sample must hold): the hog sampler files cpu_hog incidents of its own, one per
        # hold, and a hog also hangs unrelated kernel tasks (a kworker in
        # synchronize_rcu() from do_free_init), each its own incident.
        names = {exp["victim"].get("comm"), ec.get("sample_comm"), *ec.get("sample_has", [])} - {None}
        def ours(i):
            comms = [v.get("comm") for v in (i.get("victims") or [])[:1] + (i.get("victim_sample") or [])]
            return any(c in names for c in comms)
        hung = [i for i in report if i.get("trigger") != "cpu_hog" and ours(i)]
        if "incidents" in ec and len(hung) != ec["incidents"]:
            fail(msgs, f"{len(hung)} incidents stored (besides cpu_hog ones), expected {ec['incidents']}: "
                       f"{[(i.get('id'), [v.get('comm') for v in i.get('victims') or []]) for i in hung]}")
        count = inc.get("victim_count")
        if not isinstance(count, int) or count < ec.get("victim_count_min", 1):
            fail(msgs, f"victim_count is {count!r}, expected at least {ec.get('victim_count_min', 1)}")
        sample = inc.get("victim_sample")
        if not isinstance(sample, list):
            fail(msgs, f"victim_sample is {sample!r}, expected a list")
        else:
            if len(sample) > ec.get("sample_max", 8):
                fail(msgs, f"victim_sample holds {len(sample)} victims, bound {ec.get('sample_max', 8)}")
            if "sample_comm" in ec and (not sample or any(v.get("comm") != ec["sample_comm"] for v in sample)):
                fail(msgs, f"victim_sample comms {[v.get('comm') for v in sample]}, expected all {ec['sample_comm']!r}")
            # sample_has: these comms are all in the sample (others may be too).
            missing = [c for c in ec.get("sample_has", []) if c not in [v.get("comm") for v in sample]]
            if missing:
                fail(msgs, f"victim_sample comms {[v.get('comm') for v in sample]} lack {missing}")
            if any(v.get("pid") == victim.get("pid") for v in sample):
                fail(msgs, "victim_sample repeats the victim itself")
        fp = (inc.get("fingerprint") or {}).get("hash")
        if not (isinstance(fp, str) and len(fp) == 16):
            fail(msgs, f"fingerprint.hash is {fp!r}, expected 16 hex digits")
    if "host" in parts:
        host = inc.get("host") or {}
        for k, want in (exp.get("host") or {}).items():
            if host.get(k) != want:
                fail(msgs, f"host.{k} is {host.get(k)!r}, expected {want!r}")
    return msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("expected")
    ap.add_argument("--abi")
    ap.add_argument("--part", default="victim")
    args = ap.parse_args()
    parts = set(args.part.split(","))
    try:
        report = json.load(open(args.report))
    except (OSError, ValueError) as e:
        print(f"report {args.report} is not readable JSON: {e}")
        return 1
    exp = json.load(open(args.expected))
    if not isinstance(report, list) or not report:
        print("report is not a non-empty JSON array of incidents")
        return 1
    if "incidents" in exp:
        # Several victims in one boot: each entry is checked like a whole
        # expected file, on the PARTS it names.
        msgs = []
        for e in exp["incidents"]:
            own = parts & (set(e) | {"victim"})
            msgs += [f"{e['victim']['comm']}: {m}" for m in check_incident(report, e, own, args.abi)]
    else:
        msgs = check_incident(report, exp, parts, args.abi)
    for m in msgs:
        print(m)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main())
