// Hop kind flush_work: the victim waits in __flush_work() for a work item; the hop names
// the work, its workqueue and pool.  Everything the daemon knows about this kind is here
// and in flush_work.cpp: the struct, its decoders (netlink `hop-flush-work` nest, kmsg
// `hop kind=flush_work` line, JSON), its JSON form and its report line.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "hops/fields.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct FlushWorkHop {
    static constexpr std::string_view kName = "flush_work";

    std::optional<std::string> barrier;  // addresses as the kmsg record prints them
    std::optional<std::string> pwq;
    std::optional<std::string> pool;
    std::optional<int64_t> pool_cpu;  // -1: unbound pool
    std::optional<int64_t> pool_id;
    std::optional<std::string> workqueue;
    std::optional<std::string> target;
    std::optional<std::string> target_state;  // pending | running | unknown
    std::optional<std::string> target_function;
    std::optional<std::string> target_module;
    std::optional<int64_t> executing_pid;  // the worker running it, when one does

    bool operator==(const FlushWorkHop&) const = default;

    // `hop` is the hop nest; the kind's own nest is read from it.
    static FlushWorkHop from_netlink(const nl::Nest& hop);
    static FlushWorkHop from_kmsg(const ModuleRecordLine& l, bool v2);
    // A later line of the same hop (none for this kind); false when not taken.
    bool add_kmsg(const ModuleRecordLine&, bool) { return false; }
    void end_kmsg() {}
    static FlushWorkHop from_json(const Json& j);
    // Appends the kind's members to `j` (after kind, verified, reason).
    void put_json(Json& j) const;
    // The report's chain line after "N. flush_work (verified)": ": ...\n" and detail lines.
    void render(std::ostream& out) const;
};

}  // namespace hungtask
