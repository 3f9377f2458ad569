// The part of a lock hop that names the lock's owner, shared by the kinds whose lock records
// one (mutex, rwsem): the owner task (a live task, proven by pid lookup), its stack, how long
// it has been off CPU, and whether it closes a cycle.  Its kmsg lines (`owner`, `ownerstack`,
// `cycle` after the hop line), its netlink attributes (given by the kind) and its JSON keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hops/fields.hpp"
#include "hops/task.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct LockOwner {
    std::optional<HopTask> owner;  // a live task, proven by pid lookup
    std::vector<std::string> owner_stack;
    std::optional<std::string> owner_stack_note;
    std::optional<int64_t> owner_offcpu_ns;  // how long the blocked owner is off CPU
    // The owner is already in the chain: the chain closes a cycle here (a deadlock).  The
    // module sends it on any hop (hop attribute `cycle`, kmsg line `cycle hop=<i>`); only a
    // lock hop names a task that can close one, so only the lock kinds read it.
    std::optional<bool> cycle;

    bool operator==(const LockOwner&) const = default;

    // The netlink attributes of the owner part in the kind's nest.
    struct Attrs {
        uint16_t owner, owner_stack, owner_stack_note, owner_offcpu_ns;
    };

    // The fields of the kind's kmsg hop line that belong to the owner part.
    void owner_from_kmsg(const ModuleRecordLine& l);
    // An `owner`, `ownerstack` or `cycle` line after the hop line; false for another line.
    bool add_owner_kmsg(const ModuleRecordLine& l, bool v2);
    void end_owner_kmsg();
    // `m` is the kind's nest, `hop` the hop nest around it (which carries `cycle`).
    void owner_from_netlink(const nl::Nest& m, const nl::Nest& hop, const Attrs& a);
    void owner_from_json(const Json& j);
    void put_owner_json(Json& j) const;
};

}  // namespace hungtask
