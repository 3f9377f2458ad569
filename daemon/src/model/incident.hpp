// The incident record: the one data model shared by the kernel-log parser, the store,
// the report renderer and the netlink decoder.  Field names and meanings follow
// design.md "Incident record".  Anything not known is std::nullopt here and JSON null on
// disk: a value is never invented.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hops/hop.hpp"
#include "model/json_text.hpp"
#include "model/result.hpp"

namespace hungtask {

// The version of the JSON record format that to_json() writes and docs/incident.schema.json
// documents.  Raised only when a field is removed or retyped; new fields do not raise it.
inline constexpr int kSchemaVersion = 1;

// `other`: a value a newer producer wrote that this version does not know; its text is
// kept beside it (Incident::trigger_name, Verdict::kind_name) and written back unchanged.
enum class Trigger { hung_task, cpu_hog, soft_lockup, panic, other };

enum class VerdictKind {
    runqueue_starvation,
    lock_chain,
    deadlock,
    cpu_hog,
    io_wait,
    unknown,
    other
};

// How strongly the captured facts support a verdict (explain.hpp says when each is given).
enum class Confidence { high, medium, low };

std::string_view to_string(Trigger t);
std::string_view to_string(VerdictKind k);
std::string_view to_string(Confidence c);
std::optional<Trigger> trigger_from_string(std::string_view s);
std::optional<VerdictKind> verdict_kind_from_string(std::string_view s);
std::optional<Confidence> confidence_from_string(std::string_view s);

struct Victim {
    int64_t pid = 0;
    std::string comm;
    std::optional<std::string> state;  // task_state_to_char(), e.g. "D"
    // Seconds the kernel printed in "blocked for more than N seconds".  hung_task.c prints
    // (jiffies - t->last_switch_time) / HZ: the time since khungtaskd first saw the task's
    // switch count stop changing.  That is the real blocked time at scan granularity (it
    // is at least the timeout and may lag the true block start by up to one check
    // interval), not the configured timeout.
    std::optional<int64_t> blocked_s;
    std::optional<std::string> syscall;  // e.g. "rmdir"; null when not derivable
    std::vector<std::string> stack;      // reliable frames as printed, innermost first
    // Extras (more than design.md asks for; absent from JSON is fine when reading).
    std::optional<int64_t> tgid;
    std::optional<int64_t> ppid;
    std::optional<std::string> workqueue;       // "Workqueue: NAME FUNC" for kworkers
    std::vector<std::string> stack_unreliable;  // "? " frames: stale stack words, hints only
    // Captured by hungtask.ko (absent from kernel-report-only incidents).
    std::optional<std::string> path;    // path argument, from the kernel's struct filename
    std::optional<std::string> cgroup;  // default-hierarchy cgroup path
    std::optional<int64_t> cpu;         // task_cpu() at capture
    // x86 ABI the syscall was named in: "x86_64", "ia32" or "x32" (a number is only ever
    // named from its own ABI's table).
    std::optional<std::string> syscall_abi;
    // Members a newer producer wrote that this version does not know, kept as they were.
    Json extra = Json::object();

    bool operator==(const Victim&) const = default;
};

struct Culprit {
    std::optional<int64_t> pid;
    std::optional<std::string> comm;
    std::optional<std::string> function;
    std::optional<std::string> module;  // null for core kernel or user space code
    Json extra = Json::object();        // unknown members, kept

    bool operator==(const Culprit&) const = default;
};

struct Verdict {
    VerdictKind kind = VerdictKind::unknown;
    std::optional<Culprit> culprit;  // null unless a link to it was proven
    std::string summary;             // first sentence: the headline (the blame, if any)
    // Extras (more than design.md asks for; absent from older records, which read as
    // nullopt / empty): how strongly the facts support the verdict, those facts as plain
    // sentences, and what the operator should do next.
    std::optional<Confidence> confidence;
    std::vector<std::string> evidence;
    std::vector<std::string> next_steps;
    std::string kind_name;                       // the text of an `other` kind
    std::optional<std::string> confidence_name;  // a confidence this version does not know
    Json extra = Json::object();                 // unknown members, kept

    bool operator==(const Verdict&) const = default;
};

struct Host {
    std::optional<std::string> kernel_release;
    std::optional<std::string> preemption;  // none | voluntary | full | ...
    std::optional<int64_t> watchdog;        // kernel.watchdog
    std::optional<int64_t> softlockup_panic;
    std::optional<int64_t> hung_task_timeout_secs;
    std::optional<int64_t> hung_task_panic;
    std::optional<int64_t> watchdog_thresh;
    std::optional<std::string> taint;  // taint flag letters as printed ("" = not tainted)
    std::optional<std::vector<std::string>> out_of_tree_modules;
    Json extra = Json::object();  // unknown members, kept

    bool operator==(const Host&) const = default;
};

// A victim that joined an incident of the same cause (coalescing): named only.
struct SampleVictim {
    int64_t pid = 0;
    std::string comm;

    bool operator==(const SampleVictim&) const = default;
};

// How often the incident's chain fingerprint was stored (store/fingerprints), across
// boots: filled from the store when a report is made.
struct FingerprintSeen {
    std::string first_seen;  // ISO 8601 UTC
    std::string last_seen;
    int64_t count = 0;

    bool operator==(const FingerprintSeen&) const = default;
};

struct Incident {
    std::string id;
    std::optional<std::string> boot_id;
    uint64_t seq = 0;
    std::optional<std::string> detected_at;  // ISO 8601 UTC, "2025-11-25T06:51:00Z"
    Trigger trigger = Trigger::hung_task;
    std::vector<Victim> victims;
    std::vector<Hop> chain;
    Verdict verdict;
    Host host;
    // Extras.
    std::string source;     // where it came from: "kmsg", "log:PATH", "netlink"
    int64_t repeats = 1;    // kernel reports coalesced into this incident
    bool panicked = false;  // a "Kernel panic - not syncing: hung_task: ..." followed
    std::optional<double> first_seen_uptime_s;  // kernel timestamp of the first report
    std::optional<double> last_seen_uptime_s;   // ... and of the latest one
    // hungtask.ko's own record of the capture (seq in the module ring, capture cost, kmsg
    // format version); null for incidents known only from the kernel's report.
    Json capture = nullptr;
    std::string trigger_name;  // the text of an `other` trigger
    // Ids of incidents of the same boot with the same root cause (report/related.hpp);
    // computed when a report is made, kept when read.
    std::vector<std::string> related;
    // Coalescing (module/coalesce.c): the hung tasks behind this cause, the victim
    // included, and a bounded sample of the others; null when the source does not say.
    std::optional<int64_t> victim_count;
    std::optional<std::vector<SampleVictim>> victim_sample;
    // JSON "fingerprint": {hash (model/fingerprint.hpp, always computed), first_seen,
    // last_seen, count (these from the store, null when not known)}.
    std::optional<FingerprintSeen> fingerprint_seen;
    // Of those, the cpu_hog incidents (the hog sampler's) that came before this one: its
    // early warnings.  Computed with `related`, never stored (it follows from the records).
    std::vector<std::string> early_warnings;
    Json extra = Json::object();  // top-level members this version does not know, kept

    bool operator==(const Incident&) const = default;
};

// The names as written to JSON: to_string() of a known value, the kept text of `other`.
std::string trigger_name(const Incident& in);
std::string verdict_kind_name(const Verdict& v);
// For people: the name, and " (unknown to this hungtaskd)" after an `other` value.
std::string trigger_display(const Incident& in);
std::string verdict_kind_display(const Verdict& v);
// The names of the unknown members kept anywhere in the record ("verdict.foo",
// "chain[1].bar", ...), for the report to show them as such.
std::vector<std::string> unknown_fields(const Incident& in);

Json to_json(const Incident& incident);
Json to_json(const std::vector<Incident>& incidents);

// Strict reading: every design.md field must be present (null where unknown is allowed)
// and of the right type.  Errors name the field path, e.g. "victims[0].pid".
Result<Incident> incident_from_json(const Json& j);
Result<std::vector<Incident>> incidents_from_json(const Json& j);

// Parses JSON text; errors carry `where` (usually the file name) in front.
Result<std::vector<Incident>> incidents_from_text(std::string_view text, const std::string& where);

// Where the victim waits: blocked_in() of its stack (frames.hpp).
std::optional<std::string> blocked_in(const Victim& victim);

}  // namespace hungtask
