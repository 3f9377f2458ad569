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
#include "hops/lock_owner.hpp"
#include "hops/task.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct MutexHop : LockOwner {  // owner, owner_stack, ..., cycle
    static constexpr std::string_view kName = "mutex";

    std::optional<std::string> lock;      // address, hex text (netlink only; kmsg hashes it)
    std::optional<std::string> lock_sym;  // "%pS" of a static lock
    std::optional<int64_t> owner_flags;   // mutex.owner & 7
    std::optional<int64_t> waiters;       // on the wait list, the waiting task included
    std::optional<int64_t> position;      // 1: next to get it
    std::optional<bool> ww;               // a ww_mutex wait

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
