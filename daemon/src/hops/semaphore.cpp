#include "hops/semaphore.hpp"

#include <cstdio>

#include "hops/kmsg_line.hpp"
#include "hops/netlink_nest.hpp"
#include "hops/task.hpp"

namespace hungtask {

using hopjson::opt;

// kmsg key / netlink attribute / JSON key:
//   (none: %p)        HOP_SEMAPHORE_LOCK          lock
//   lock_sym          HOP_SEMAPHORE_LOCK_SYM      lock_sym
//   count             HOP_SEMAPHORE_COUNT         count
//   waiters           HOP_SEMAPHORE_WAITERS       waiters
//   position          HOP_SEMAPHORE_POSITION      position
//   (semwaiter lines) HOP_SEMAPHORE_WAITER_PIDS   other_waiters [{pid, comm}]

SemaphoreHop SemaphoreHop::from_kmsg(const ModuleRecordLine& l, bool) {
    using namespace kmsg;
    SemaphoreHop h;
    h.lock_sym = field_str(l, "lock_sym");
    h.count = field_int(l, "count");
    h.waiters = field_int(l, "waiters");
    h.position = field_int(l, "position");
    return h;
}

bool SemaphoreHop::add_kmsg(const ModuleRecordLine& l, bool v2) {
    using namespace kmsg;
    if (!v2 || !l.fields.contains("hop") || l.record != "semwaiter")
        return false;
    other_waiters.push_back({field_int(l, "pid"), field_str(l, "comm")});
    return true;
}

void SemaphoreHop::end_kmsg() {}

SemaphoreHop SemaphoreHop::from_netlink(const nl::Nest& hop) {
    using namespace nl;
    const Nest m = hop.nest_or_empty(HUNGTASK_A_HOP_SEMAPHORE, "semaphore");
    SemaphoreHop h;
    if (auto lock = m.u64(HUNGTASK_A_HOP_SEMAPHORE_LOCK, "lock")) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(*lock));
        h.lock = buf;
    }
    h.lock_sym = non_empty(m.str(HUNGTASK_A_HOP_SEMAPHORE_LOCK_SYM, "lock-sym"));
    h.count = widen(m.u32(HUNGTASK_A_HOP_SEMAPHORE_COUNT, "count"));
    h.waiters = widen(m.u32(HUNGTASK_A_HOP_SEMAPHORE_WAITERS, "waiters"));
    h.position = widen(m.u32(HUNGTASK_A_HOP_SEMAPHORE_POSITION, "position"));
    for (const Nest& w : m.nests(HUNGTASK_A_HOP_SEMAPHORE_WAITER_PIDS, "waiter-pids"))
        h.other_waiters.push_back({widen(w.u32(HUNGTASK_A_SEM_WAITER_PID, "pid")),
                                   non_empty(w.str(HUNGTASK_A_SEM_WAITER_COMM, "comm"))});
    return h;
}

SemaphoreHop SemaphoreHop::from_json(const Json& j) {
    using namespace hopjson;
    SemaphoreHop h;
    h.lock = str(j, "lock");
    h.lock_sym = str(j, "lock_sym");
    h.count = int_(j, "count");
    h.waiters = int_(j, "waiters");
    h.position = int_(j, "position");
    const Json& ws = at(j, "other_waiters");
    if (ws.is_array())
        for (const auto& w : ws)
            if (w.is_object())
                h.other_waiters.push_back({int_(w, "pid"), str(w, "comm")});
    return h;
}

void SemaphoreHop::put_json(Json& j) const {
    j["lock"] = opt(lock);
    j["lock_sym"] = opt(lock_sym);
    j["count"] = opt(count);
    j["waiters"] = opt(waiters);
    j["position"] = opt(position);
    Json ws = Json::array();
    for (const auto& w : other_waiters)
        ws.push_back(Json{{"pid", opt(w.pid)}, {"comm", opt(w.comm)}});
    j["other_waiters"] = ws;
}

void SemaphoreHop::render(std::ostream& out) const {
    out << ": waits for semaphore "
        << (lock_sym ? *lock_sym
            : lock   ? *lock
                     : std::string("?"))
        << " (count " << opt_text(count) << "); the kernel records no holder\n";
    out << "       waiters " << opt_text(waiters) << ", this one at position " << opt_text(position)
        << "\n";
    if (!other_waiters.empty()) {
        out << "       other waiters:";
        for (const auto& w : other_waiters)
            out << " " << opt_text(w.comm) << " (pid " << opt_text(w.pid) << ")";
        out << "\n";
    }
}

}  // namespace hungtask
