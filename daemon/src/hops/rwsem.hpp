// Hop kind rwsem: a task waits in down_read()/down_write() on an rw_semaphore, and its
// owner: the writer (exact), or with readers owning only the last reader to take it (maybe
// stale: last_reader).  The struct, its decoders (netlink `hop-rwsem` nest; kmsg
// `hop kind=rwsem` line and the `owner`, `ownerstack`, `cycle` lines after it; JSON), its
// JSON form and its report lines.
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

struct RwsemHop : LockOwner {  // owner, owner_stack, ..., cycle
    static constexpr std::string_view kName = "rwsem";

    std::optional<std::string> lock;      // address, hex text (netlink only; kmsg hashes it)
    std::optional<std::string> lock_sym;  // "%pS" of a static lock
    std::optional<bool> write;            // waits in down_write() (else down_read())
    std::optional<std::string> count;     // rw_semaphore.count, hex text
    std::optional<int64_t> owner_flags;   // rw_semaphore.owner & 3
    std::optional<int64_t> readers;       // count >> 8 when readers own it
    std::optional<int64_t> waiters;       // on the wait list, the waiting task included
    std::optional<int64_t> position;      // 1: next to get it
    std::optional<bool> last_reader;      // owner is only the last reader: not proven

    bool operator==(const RwsemHop&) const = default;

    static RwsemHop from_netlink(const nl::Nest& hop);
    static RwsemHop from_kmsg(const ModuleRecordLine& l, bool v2);
    bool add_kmsg(const ModuleRecordLine& l, bool v2);
    void end_kmsg();
    static RwsemHop from_json(const Json& j);
    void put_json(Json& j) const;
    void render(std::ostream& out) const;
};

}  // namespace hungtask
