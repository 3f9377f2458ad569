// Hop kind semaphore: a task waits in down() on a semaphore.  The kernel records no holder
// of a semaphore (6.1, 6.12), so the hop carries the lock, its count and its waiters, and
// ends the chain.  The struct, its decoders (netlink `hop-semaphore` nest; kmsg
// `hop kind=semaphore` line and the `semwaiter` lines after it; JSON), its JSON form and
// its report lines.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hops/fields.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct SemWaiter {
    std::optional<int64_t> pid;
    std::optional<std::string> comm;
    bool operator==(const SemWaiter&) const = default;
};

struct SemaphoreHop {
    static constexpr std::string_view kName = "semaphore";

    std::optional<std::string> lock;      // address, hex text (netlink only; kmsg hashes it)
    std::optional<std::string> lock_sym;  // "%pS" of a static lock
    std::optional<int64_t> count;         // semaphore.count: free slots
    std::optional<int64_t> waiters;       // on the wait list, the waiting task included
    std::optional<int64_t> position;      // 1: next to get it
    std::vector<SemWaiter> other_waiters;  // the first others on the list (module: at most 8)

    bool operator==(const SemaphoreHop&) const = default;

    static SemaphoreHop from_netlink(const nl::Nest& hop);
    static SemaphoreHop from_kmsg(const ModuleRecordLine& l, bool v2);
    bool add_kmsg(const ModuleRecordLine& l, bool v2);
    void end_kmsg();
    static SemaphoreHop from_json(const Json& j);
    void put_json(Json& j) const;
    void render(std::ostream& out) const;
};

}  // namespace hungtask
