#!/usr/bin/python3
"""Assert that a hop kind the module refused (its layout not confirmed) is absent.

usage: assert_kind_refused.py REPORT.json VICTIM_PREFIX KIND

Every incident whose victim's comm starts with VICTIM_PREFIX (captured while
the module ran with a forced wrong layout) must have no hop of KIND, and its
chain must say why: some hop's reason names "KIND layout". At least one such
incident must exist. Prints what failed; exit 1 if anything did.
"""
import json
import sys


def main():
    report_path, prefix, kind = sys.argv[1:4]
    try:
        report = json.load(open(report_path))
    except (OSError, ValueError) as e:
        print(f"report {report_path} is not readable JSON: {e}")
        return 1
    seen, msgs = 0, []
    for inc in report:
        comms = [v.get("comm") or "" for v in inc.get("victims") or []]
        if not any(c.startswith(prefix) for c in comms):
            continue
        seen += 1
        chain = inc.get("chain") or []
        kinds = [h.get("kind") for h in chain]
        if kind in kinds:
            msgs.append(f"incident {inc.get('id')} ({comms}) has a {kind} hop: chain {kinds}")
        if not any(f"{kind} layout" in (h.get("reason") or "") for h in chain):
            reasons = [h.get("reason") for h in chain]
            msgs.append(f"incident {inc.get('id')} ({comms}) does not say the {kind} layout is off: reasons {reasons}")
    if not seen:
        msgs.append(f"no incident has a victim named {prefix}*")
    for m in msgs:
        print(m)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main())
