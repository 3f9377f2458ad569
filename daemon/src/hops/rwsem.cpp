#include "hops/rwsem.hpp"

#include <cstdio>

#include "hops/kmsg_line.hpp"
#include "hops/netlink_nest.hpp"

namespace hungtask {

using hopjson::opt;

// kmsg key / netlink attribute / JSON key:
//   (none: %p)        HOP_RWSEM_LOCK              lock
//   lock_sym          HOP_RWSEM_LOCK_SYM          lock_sym
//   write             HOP_RWSEM_WRITE             write
//   count (hex)       HOP_RWSEM_COUNT             count ("0x..")
//   owner_flags       HOP_RWSEM_OWNER_FLAGS       owner_flags
//   readers           HOP_RWSEM_READERS           readers
//   waiters           HOP_RWSEM_WAITERS           waiters
//   position          HOP_RWSEM_POSITION          position
//   last_reader       HOP_RWSEM_LAST_READER       last_reader
//   (owner line)      HOP_RWSEM_OWNER             owner
//   (ownerstack)      HOP_RWSEM_OWNER_STACK       owner_stack
//   stack_note        HOP_RWSEM_OWNER_STACK_NOTE  owner_stack_note
//   owner_offcpu_ns   HOP_RWSEM_OWNER_OFFCPU_NS   owner_offcpu_ns
//   (cycle line)      HOP_CYCLE (in the hop nest) cycle

namespace {
std::optional<std::string> hex_text(std::optional<uint64_t> v) {
    if (!v)
        return std::nullopt;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(*v));
    return std::string(buf);
}
}  // namespace

RwsemHop RwsemHop::from_kmsg(const ModuleRecordLine& l, bool) {
    using namespace kmsg;
    RwsemHop h;
    h.lock_sym = field_str(l, "lock_sym");
    if (auto w = field_int(l, "write"))
        h.write = *w != 0;
    if (auto c = field_str(l, "count"); c && !c->empty())
        h.count = "0x" + *c;
    h.owner_flags = field_int(l, "owner_flags");
    h.readers = field_int(l, "readers");
    h.waiters = field_int(l, "waiters");
    h.position = field_int(l, "position");
    if (auto lr = field_int(l, "last_reader"))
        h.last_reader = *lr != 0;
    h.owner_from_kmsg(l);
    return h;
}

bool RwsemHop::add_kmsg(const ModuleRecordLine& l, bool v2) {
    return add_owner_kmsg(l, v2);
}

void RwsemHop::end_kmsg() {
    end_owner_kmsg();
}

RwsemHop RwsemHop::from_netlink(const nl::Nest& hop) {
    using namespace nl;
    const Nest m = hop.nest_or_empty(HUNGTASK_A_HOP_RWSEM, "rwsem");
    RwsemHop h;
    h.lock = hex_text(m.u64(HUNGTASK_A_HOP_RWSEM_LOCK, "lock"));
    h.lock_sym = non_empty(m.str(HUNGTASK_A_HOP_RWSEM_LOCK_SYM, "lock-sym"));
    h.write = m.flag(HUNGTASK_A_HOP_RWSEM_WRITE, "write");
    h.count = hex_text(m.u64(HUNGTASK_A_HOP_RWSEM_COUNT, "count"));
    h.owner_flags = widen(m.u32(HUNGTASK_A_HOP_RWSEM_OWNER_FLAGS, "owner-flags"));
    h.readers = widen(m.u32(HUNGTASK_A_HOP_RWSEM_READERS, "readers"));
    h.waiters = widen(m.u32(HUNGTASK_A_HOP_RWSEM_WAITERS, "waiters"));
    h.position = widen(m.u32(HUNGTASK_A_HOP_RWSEM_POSITION, "position"));
    h.last_reader = m.flag(HUNGTASK_A_HOP_RWSEM_LAST_READER, "last-reader");
    h.owner_from_netlink(m, hop,
                         {HUNGTASK_A_HOP_RWSEM_OWNER, HUNGTASK_A_HOP_RWSEM_OWNER_STACK,
                          HUNGTASK_A_HOP_RWSEM_OWNER_STACK_NOTE, HUNGTASK_A_HOP_RWSEM_OWNER_OFFCPU_NS});
    return h;
}

RwsemHop RwsemHop::from_json(const Json& j) {
    using namespace hopjson;
    RwsemHop h;
    h.lock = str(j, "lock");
    h.lock_sym = str(j, "lock_sym");
    h.write = boolean(j, "write");
    h.count = str(j, "count");
    h.owner_flags = int_(j, "owner_flags");
    h.readers = int_(j, "readers");
    h.waiters = int_(j, "waiters");
    h.position = int_(j, "position");
    h.last_reader = boolean(j, "last_reader");
    h.owner_from_json(j);
    return h;
}

void RwsemHop::put_json(Json& j) const {
    j["lock"] = opt(lock);
    j["lock_sym"] = opt(lock_sym);
    j["write"] = opt(write);
    j["count"] = opt(count);
    j["owner_flags"] = opt(owner_flags);
    j["readers"] = opt(readers);
    j["waiters"] = opt(waiters);
    j["position"] = opt(position);
    j["last_reader"] = opt(last_reader);
    put_owner_json(j);
}

void RwsemHop::render(std::ostream& out) const {
    out << ": waits to " << (write == true ? "write" : write == false ? "read" : "take")
        << " rw_semaphore "
        << (lock_sym ? *lock_sym
            : lock   ? *lock
                     : std::string("?"));
    if (last_reader == true)
        out << ", owned by " << opt_text(readers) << " reader(s); last reader to take it "
            << task_line(owner) << " (may have released it)\n";
    else
        out << ", owned by " << task_line(owner) << "\n";
    out << "       waiters " << opt_text(waiters) << ", this one at position " << opt_text(position)
        << "\n";
    if (owner && owner_offcpu_ns && *owner_offcpu_ns > 0)
        out << "       the " << (last_reader == true ? "last reader" : "owner")
            << " has been off CPU for " << ms_text(owner_offcpu_ns) << "\n";
    if (cycle == true)
        out << "       the owner is already in this chain: a cycle (deadlock)\n";
    if (!owner_stack.empty()) {
        out << "       where the " << (last_reader == true ? "last reader" : "owner")
            << " waits:\n";
        for (const auto& fr : owner_stack)
            out << "         " << fr << "\n";
    } else if (owner_stack_note) {
        out << "       no owner stack: " << *owner_stack_note << "\n";
    }
}

}  // namespace hungtask
