#include "hops/mutex.hpp"

#include <cstdio>

#include "hops/kmsg_line.hpp"
#include "hops/netlink_nest.hpp"

namespace hungtask {

using hopjson::opt;

// kmsg key / netlink attribute / JSON key:
//   (none: %p)        HOP_MUTEX_LOCK              lock
//   lock_sym          HOP_MUTEX_LOCK_SYM          lock_sym
//   owner_flags       HOP_MUTEX_OWNER_FLAGS       owner_flags
//   waiters           HOP_MUTEX_WAITERS           waiters
//   position          HOP_MUTEX_POSITION          position
//   ww                HOP_MUTEX_WW                ww
//   (owner line)      HOP_MUTEX_OWNER             owner
//   (ownerstack)      HOP_MUTEX_OWNER_STACK       owner_stack
//   stack_note        HOP_MUTEX_OWNER_STACK_NOTE  owner_stack_note
//   owner_offcpu_ns   HOP_MUTEX_OWNER_OFFCPU_NS   owner_offcpu_ns
//   (cycle line)      HOP_CYCLE (in the hop nest) cycle

MutexHop MutexHop::from_kmsg(const ModuleRecordLine& l, bool) {
    using namespace kmsg;
    MutexHop h;
    h.lock_sym = field_str(l, "lock_sym");
    h.owner_flags = field_int(l, "owner_flags");
    h.waiters = field_int(l, "waiters");
    h.position = field_int(l, "position");
    if (auto ww = field_int(l, "ww"))
        h.ww = *ww != 0;
    h.owner_from_kmsg(l);
    return h;
}

bool MutexHop::add_kmsg(const ModuleRecordLine& l, bool v2) {
    return add_owner_kmsg(l, v2);
}

void MutexHop::end_kmsg() {
    end_owner_kmsg();
}

MutexHop MutexHop::from_netlink(const nl::Nest& hop) {
    using namespace nl;
    const Nest m = hop.nest_or_empty(HUNGTASK_A_HOP_MUTEX, "mutex");
    MutexHop h;
    if (auto lock = m.u64(HUNGTASK_A_HOP_MUTEX_LOCK, "lock")) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(*lock));
        h.lock = buf;
    }
    h.lock_sym = non_empty(m.str(HUNGTASK_A_HOP_MUTEX_LOCK_SYM, "lock-sym"));
    h.owner_flags = widen(m.u32(HUNGTASK_A_HOP_MUTEX_OWNER_FLAGS, "owner-flags"));
    h.waiters = widen(m.u32(HUNGTASK_A_HOP_MUTEX_WAITERS, "waiters"));
    h.position = widen(m.u32(HUNGTASK_A_HOP_MUTEX_POSITION, "position"));
    h.ww = m.flag(HUNGTASK_A_HOP_MUTEX_WW, "ww");
    h.owner_from_netlink(m, hop,
                         {HUNGTASK_A_HOP_MUTEX_OWNER, HUNGTASK_A_HOP_MUTEX_OWNER_STACK,
                          HUNGTASK_A_HOP_MUTEX_OWNER_STACK_NOTE, HUNGTASK_A_HOP_MUTEX_OWNER_OFFCPU_NS});
    return h;
}

MutexHop MutexHop::from_json(const Json& j) {
    using namespace hopjson;
    MutexHop h;
    h.lock = str(j, "lock");
    h.lock_sym = str(j, "lock_sym");
    h.owner_flags = int_(j, "owner_flags");
    h.waiters = int_(j, "waiters");
    h.position = int_(j, "position");
    h.ww = boolean(j, "ww");
    h.owner_from_json(j);
    return h;
}

void MutexHop::put_json(Json& j) const {
    j["lock"] = opt(lock);
    j["lock_sym"] = opt(lock_sym);
    j["owner_flags"] = opt(owner_flags);
    j["waiters"] = opt(waiters);
    j["position"] = opt(position);
    j["ww"] = opt(ww);
    put_owner_json(j);
}

void MutexHop::render(std::ostream& out) const {
    out << ": waits for mutex "
        << (lock_sym ? *lock_sym
            : lock   ? *lock
                     : std::string("?"))
        << (ww == true ? " (ww_mutex)" : "") << ", owned by " << task_line(owner) << "\n";
    out << "       waiters " << opt_text(waiters) << ", this one at position " << opt_text(position)
        << "\n";
    if (owner && owner_offcpu_ns && *owner_offcpu_ns > 0)
        out << "       the owner has been off CPU for " << ms_text(owner_offcpu_ns) << "\n";
    if (cycle == true)
        out << "       the owner is already in this chain: a cycle (deadlock)\n";
    if (!owner_stack.empty()) {
        out << "       where the owner waits:\n";
        for (const auto& fr : owner_stack)
            out << "         " << fr << "\n";
    } else if (owner_stack_note) {
        out << "       no owner stack: " << *owner_stack_note << "\n";
    }
}

}  // namespace hungtask
