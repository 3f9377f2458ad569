// Hop kind mutex: a task waits in mutex_lock() on a mutex, and the mutex's owner.  The
// struct, its decoders (netlink `hop-mutex` nest; kmsg `hop kind=mutex` line and the
// `owner`, `ownerstack` lines after it; JSON), its JSON form and its report lines.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hops/fields.hpp"
#include "hops/task.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct MutexHop {
    static constexpr std::string_view kName = "mutex";

    std::optional<std::string> lock;      // address, hex text (netlink only; kmsg hashes it)
    std::optional<std::string> lock_sym;  // "%pS" of a static lock
    std::optional<int64_t> owner_flags;   // mutex.owner & 7
    std::optional<int64_t> waiters;       // on the wait list, the waiting task included
    std::optional<int64_t> position;      // 1: next to get it
    std::optional<bool> ww;               // a ww_mutex wait
    std::optional<HopTask> owner;         // a live task, proven by pid lookup
    std::vector<std::string> owner_stack;
    std::optional<std::string> owner_stack_note;
    std::optional<int64_t> owner_offcpu_ns;  // how long the blocked owner is off CPU
    // The owner is already in the chain: the chain closes a cycle here (a deadlock).  The
    // module sends it on any hop (hop attribute `cycle`, kmsg line `cycle hop=<i>`); only a
    // lock hop names a task that can close one, so only this kind reads it.
    std::optional<bool> cycle;

    bool operator==(const MutexHop&) const = default;

    static MutexHop from_netlink(const nl::Nest& hop);
    static MutexHop from_kmsg(const ModuleRecordLine& l, bool v2);
    bool add_kmsg(const ModuleRecordLine& l, bool v2);
    void end_kmsg();
    static MutexHop from_json(const Json& j);
    void put_json(Json& j) const;
    void render(std::ostream& out) const;
};

}  // namespace hungtask
