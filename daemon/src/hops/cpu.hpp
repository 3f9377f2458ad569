// Hop kind cpu: what a CPU runs (the holder a runnable task waits behind) and who waits
// in its runqueue.  The struct, its decoders (netlink `hop-cpu` nest; kmsg `hop kind=cpu`
// line and the `hog`, `hogstack`, `runq` lines after it; JSON), its JSON form and its
// report lines.
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

struct RunqEntry {
    std::optional<int64_t> pid;
    std::optional<std::string> comm;
    std::optional<std::string> state;
    std::optional<int64_t> queued_ns;

    bool operator==(const RunqEntry&) const = default;
};

struct CpuHop {
    static constexpr std::string_view kName = "cpu";

    std::optional<int64_t> cpu;
    std::optional<std::string> hog_source;  // none | ipi | walk
    std::optional<HopTask> hog;              // what the CPU ran
    std::vector<std::string> hog_stack;      // taken on the CPU, interrupt frames cut
    std::optional<std::string> stack_note;   // why there is no stack
    std::optional<int64_t> ipi_ns;
    std::vector<RunqEntry> runq;
    std::optional<int64_t> runq_total;
    std::optional<bool> runq_truncated;

    bool operator==(const CpuHop&) const = default;

    static CpuHop from_netlink(const nl::Nest& hop);
    static CpuHop from_kmsg(const ModuleRecordLine& l, bool v2);
    bool add_kmsg(const ModuleRecordLine& l, bool v2);
    void end_kmsg();
    static CpuHop from_json(const Json& j);
    void put_json(Json& j) const;
    void render(std::ostream& out) const;
};

}  // namespace hungtask
