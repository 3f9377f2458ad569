// Hop kind worker: the kworker that runs (or must run) the flushed work item.  The struct,
// its decoders (netlink `hop-worker` nest, kmsg `hop kind=worker` line and the v1
// `worker` line after it, JSON), its JSON form and its report line.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "hops/fields.hpp"
#include "hops/task.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct WorkerHop {
    static constexpr std::string_view kName = "worker";

    std::optional<bool> pool_member;  // a worker of the flushed work's pool
    std::optional<bool> runs_target;  // it is executing the flushed work right now
    std::optional<HopTask> task;

    bool operator==(const WorkerHop&) const = default;

    static WorkerHop from_netlink(const nl::Nest& hop);
    static WorkerHop from_kmsg(const ModuleRecordLine& l, bool v2);
    bool add_kmsg(const ModuleRecordLine& l, bool v2);
    void end_kmsg() {}
    static WorkerHop from_json(const Json& j);
    void put_json(Json& j) const;
    void render(std::ostream& out) const;
};

}  // namespace hungtask
