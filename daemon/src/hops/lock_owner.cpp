#include "hops/lock_owner.hpp"

#include <algorithm>

#include "hops/kmsg_line.hpp"
#include "hops/netlink_nest.hpp"

namespace hungtask {

using hopjson::opt;

// kmsg key / netlink attribute (the kind's) / JSON key:
//   (owner line)      OWNER                       owner
//   (ownerstack)      OWNER_STACK                 owner_stack
//   stack_note        OWNER_STACK_NOTE            owner_stack_note
//   owner_offcpu_ns   OWNER_OFFCPU_NS             owner_offcpu_ns
//   (cycle line)      HOP_CYCLE (in the hop nest) cycle

void LockOwner::owner_from_kmsg(const ModuleRecordLine& l) {
    using namespace kmsg;
    owner_stack_note = field_str(l, "stack_note");
    if (field_int(l, "have_owner").value_or(0) != 0)
        owner_offcpu_ns = field_int(l, "owner_offcpu_ns");
    cycle = false;
}

bool LockOwner::add_owner_kmsg(const ModuleRecordLine& l, bool v2) {
    using namespace kmsg;
    if (!v2 || !l.fields.contains("hop"))
        return false;
    if (l.record == "owner")
        owner = HopTask::from_kmsg(l);
    else if (l.record == "cycle")
        cycle = true;
    else if (l.record == "ownerstack")
        put_frames(owner_stack, l);
    else
        return false;
    return true;
}

void LockOwner::end_owner_kmsg() {
    // A frame lost to a cut line leaves a hole: keep only what is contiguous.
    owner_stack.erase(std::find(owner_stack.begin(), owner_stack.end(), std::string()),
                      owner_stack.end());
}

void LockOwner::owner_from_netlink(const nl::Nest& m, const nl::Nest& hop, const Attrs& a) {
    using namespace nl;
    if (auto o = m.nest(a.owner, "owner"))
        owner = HopTask::from_netlink(*o);
    if (auto s = m.nest(a.owner_stack, "owner-stack"))
        owner_stack = stack_frames(*s);
    owner_stack_note = non_empty(m.str(a.owner_stack_note, "owner-stack-note"));
    if (owner)
        owner_offcpu_ns = widen(m.u64(a.owner_offcpu_ns, "owner-offcpu-ns"));
    else
        (void)m.u64(a.owner_offcpu_ns, "owner-offcpu-ns");
    cycle = hop.flag(HUNGTASK_A_HOP_CYCLE, "cycle").value_or(false);
}

void LockOwner::owner_from_json(const Json& j) {
    using namespace hopjson;
    owner = task_from_json(at(j, "owner"));
    owner_stack = strings(j, "owner_stack");
    owner_stack_note = str(j, "owner_stack_note");
    owner_offcpu_ns = int_(j, "owner_offcpu_ns");
    cycle = boolean(j, "cycle");
}

void LockOwner::put_owner_json(Json& j) const {
    j["owner"] = to_json(owner);
    j["owner_stack"] = owner_stack;
    j["owner_stack_note"] = opt(owner_stack_note);
    j["owner_offcpu_ns"] = opt(owner_offcpu_ns);
    j["cycle"] = opt(cycle);
}

}  // namespace hungtask
