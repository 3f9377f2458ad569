// A task as a hop shows it (the worker hop's worker, the cpu hop's holder): the `task`
// attribute set of proto/hungtask.yaml, the task keys of the kmsg record, and the JSON
// object under "task" / "hog".  Its three names per fact are mapped in task.cpp only.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "hops/fields.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct HopTask {
    std::optional<int64_t> pid;
    std::optional<int64_t> tgid;
    std::optional<std::string> comm;
    std::optional<std::string> state;  // task_state_to_char()
    std::optional<int64_t> cpu;
    // Flags: the module always sends them; a record from elsewhere may lack them.
    std::optional<bool> on_cpu;
    std::optional<bool> on_rq;
    std::optional<int64_t> policy;
    std::optional<int64_t> prio;
    std::optional<bool> kthread;
    std::optional<int64_t> runtime_ns;
    std::optional<int64_t> since_arrival_ns;
    std::optional<int64_t> queued_ns;
    std::optional<int64_t> run_delay_ns;
    std::optional<int64_t> nvcsw;
    std::optional<int64_t> nivcsw;
    std::optional<std::string> function;  // kthread function (kthreads only)
    std::optional<std::string> module;    // its module, null for core kernel

    bool operator==(const HopTask&) const = default;

    static HopTask from_netlink(const nl::Nest& n);
    static HopTask from_kmsg(const ModuleRecordLine& l);  // the line's task keys
    static HopTask from_json(const Json& j);              // lenient: see hops/fields.hpp
    Json to_json() const;
};

// "%ps"/"%pS" text -> (function, module or null); no symbol ("0x...", empty, nullopt) ->
// both null.
std::pair<std::optional<std::string>, std::optional<std::string>> symbol_parts(
    const std::optional<std::string>& sym);

// JSON of an optional task: the object, or null.
Json to_json(const std::optional<HopTask>& t);
// An object reads as a task; anything else (null, a string, an array) as none.
std::optional<HopTask> task_from_json(const Json& j);

// Report: "comm (pid N, CPU C, state S[, kthread fn [mod]])", "?" for what is unknown.
std::string task_line(const std::optional<HopTask>& t);
// "a.b ms" / "a.b s" for a duration in ns; "?" when unknown.
std::string ms_text(std::optional<int64_t> ns);
// A value for the report: "?" when unknown.
std::string opt_text(const std::optional<int64_t>& v);
std::string opt_text(const std::optional<std::string>& v);
// "fn [mod]" or "fn" or "?".
std::string sym_text(const std::optional<std::string>& fn, const std::optional<std::string>& mod);
// Report helper: yes / no / ?.
std::string yes_no(const std::optional<bool>& b);

}  // namespace hungtask
