#include "decode/netlink_decode.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "decode/syscalls.hpp"
#include "hops/netlink_nest.hpp"
#include "hungtask.h"
#include "model/coalesce.hpp"
#include "model/iso_time.hpp"
#include "model/taint.hpp"

namespace hungtask {
namespace {

using namespace nl;

Json opt_json(const std::optional<int64_t>& v) {
    return v ? Json(*v) : Json(nullptr);
}
Host decode_host(const Nest& n) {
    Host h;
    h.kernel_release = non_empty(n.str(HUNGTASK_A_HOST_RELEASE, "release"));
    h.preemption = non_empty(n.str(HUNGTASK_A_HOST_PREEMPT, "preempt"));
    // -1 is the module's "unknown".
    auto known = [](std::optional<int64_t> v) { return v && *v >= 0 ? v : std::nullopt; };
    h.watchdog = known(widen(n.s32(HUNGTASK_A_HOST_WATCHDOG, "watchdog")));
    h.softlockup_panic = known(widen(n.s32(HUNGTASK_A_HOST_SOFTLOCKUP_PANIC, "softlockup-panic")));
    h.watchdog_thresh = known(widen(n.s32(HUNGTASK_A_HOST_WATCHDOG_THRESH, "watchdog-thresh")));
    h.hung_task_timeout_secs =
        known(n.s64(HUNGTASK_A_HOST_HUNG_TASK_TIMEOUT_SECS, "hung-task-timeout-secs"));
    h.hung_task_panic = known(widen(n.s32(HUNGTASK_A_HOST_HUNG_TASK_PANIC, "hung-task-panic")));
    if (auto t = n.u64(HUNGTASK_A_HOST_TAINT, "taint"))
        h.taint = taint_letters(*t);
    // Comma separated as the module writes it; spaces accepted too (the spec's wording).
    if (auto oot = n.str(HUNGTASK_A_HOST_OOT_MODULES, "oot-modules")) {
        std::vector<std::string> mods;
        std::string_view s = *oot;
        while (!s.empty()) {
            size_t c = s.find_first_of(", ");
            if (c)
                mods.emplace_back(s.substr(0, c));
            s.remove_prefix(c == std::string_view::npos ? s.size() : c + 1);
        }
        h.out_of_tree_modules = std::move(mods);
    }
    (void)n.u64(HUNGTASK_A_HOST_SYSCTL_AGE_NS, "sysctl-age-ns");
    return h;
}

Victim decode_victim(const Nest& top, const Nest& task) {
    Victim v;
    auto pid = task.u32(HUNGTASK_A_TASK_PID, "pid");
    auto comm = task.str(HUNGTASK_A_TASK_COMM, "comm");
    if (!pid)
        task.missing("pid");
    if (!comm)
        task.missing("comm");
    v.pid = pid.value_or(0);
    v.comm = comm.value_or("");
    v.state = state_letter(task.u8(HUNGTASK_A_TASK_STATE, "state"));
    v.tgid = widen(task.u32(HUNGTASK_A_TASK_TGID, "tgid"));
    v.cpu = widen(task.u32(HUNGTASK_A_TASK_CPU, "cpu"));
    v.blocked_s = widen(top.u64(HUNGTASK_A_INCIDENT_BLOCKED_S, "blocked-s"));
    if (auto nr = top.s64(HUNGTASK_A_INCIDENT_SYSCALL_NR, "syscall-nr"); nr && *nr >= 0) {
        // A module without syscall-abi decoded every task as x86_64.
        auto abi = top.u32(HUNGTASK_A_INCIDENT_SYSCALL_ABI, "syscall-abi");
        switch (abi.value_or(HUNGTASK_SYSCALL_ABI_X86_64)) {
            case HUNGTASK_SYSCALL_ABI_X86_64:
                v.syscall_abi = "x86_64";
                break;
            case HUNGTASK_SYSCALL_ABI_IA32:
                v.syscall_abi = "ia32";
                break;
            case HUNGTASK_SYSCALL_ABI_X32:
                v.syscall_abi = "x32";
                break;
            default:
                v.syscall_abi = "unknown";
                break;
        }
        v.syscall = syscall_name(*v.syscall_abi, *nr);
        if (!abi)
            v.syscall_abi.reset();
    }
    (void)top.u64s(HUNGTASK_A_INCIDENT_SYSCALL_ARG, "syscall-arg");
    v.path = non_empty(top.str(HUNGTASK_A_INCIDENT_PATH, "path"));
    v.cgroup = non_empty(top.str(HUNGTASK_A_INCIDENT_CGROUP, "cgroup"));
    if (auto s = top.nest(HUNGTASK_A_INCIDENT_VICTIM_STACK, "victim-stack"))
        v.stack = stack_frames(*s);
    return v;
}

// The genl header checks shared by both decoders; nullopt when they pass.
std::optional<Error> check_genl_header(std::span<const uint8_t> genl_payload) {
    if (genl_payload.size() < kGenlHdrLen)
        return Error{"message of " + std::to_string(genl_payload.size()) +
                         " bytes is shorter than a genlmsghdr",
                     "genlmsghdr"};
    uint8_t cmd = genl_payload[0];
    uint8_t version = genl_payload[1];
    if (cmd != HUNGTASK_CMD_EVENT && cmd != HUNGTASK_CMD_INCIDENT_GET)
        return Error{"cmd " + std::to_string(cmd) + " is neither event (" +
                         std::to_string(HUNGTASK_CMD_EVENT) + ") nor incident-get (" +
                         std::to_string(HUNGTASK_CMD_INCIDENT_GET) + ")",
                     "genlmsghdr.cmd"};
    // A version above ours is an incompatible protocol (proto/README.md); 0 is "unset".
    if (version > HUNGTASK_FAMILY_VERSION)
        return Error{"protocol version " + std::to_string(version) + " is newer than " +
                         std::to_string(HUNGTASK_FAMILY_VERSION),
                     "genlmsghdr.version"};
    return std::nullopt;
}

}  // namespace

std::string instance_id_text(uint64_t id) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, id);
    return buf;
}

Result<IncidentHeader> decode_incident_header(std::span<const uint8_t> genl_payload) {
    if (auto e = check_genl_header(genl_payload))
        return *e;
    Reader r;
    Nest top(r, genl_payload.subspan(kGenlHdrLen), "");
    IncidentHeader h;
    h.cmd = genl_payload[0];
    auto seq = top.u64(HUNGTASK_A_INCIDENT_SEQ, "seq");
    auto boot = top.str(HUNGTASK_A_INCIDENT_BOOT_ID, "boot-id");
    auto instance = top.u64(HUNGTASK_A_INCIDENT_INSTANCE_ID, "instance-id");
    auto reduced = top.flag(HUNGTASK_A_INCIDENT_REDUCED, "reduced");
    if (!r.error()) {
        if (!seq)
            top.missing("seq");
        else if (*seq == 0)
            top.invalid("seq", "must be at least 1");
        else if (!boot)
            top.missing("boot-id");
    }
    if (r.error())
        return *r.error();
    h.seq = *seq;
    h.boot_id = *boot;
    h.instance_id = instance.value_or(0);
    h.reduced = reduced.value_or(false);
    return h;
}

Result<Incident> decode_incident_message(std::span<const uint8_t> genl_payload) {
    if (auto e = check_genl_header(genl_payload))
        return *e;
    uint8_t version = genl_payload[1];

    Reader r;
    Nest top(r, genl_payload.subspan(kGenlHdrLen), "");
    if (r.error())
        return *r.error();

    Incident in;
    in.source = "netlink";
    auto seq = top.u64(HUNGTASK_A_INCIDENT_SEQ, "seq");
    auto boot = top.str(HUNGTASK_A_INCIDENT_BOOT_ID, "boot-id");
    auto trigger = top.u32(HUNGTASK_A_INCIDENT_TRIGGER, "trigger");
    auto victim = top.nest(HUNGTASK_A_INCIDENT_VICTIM, "victim");
    auto host = top.nest(HUNGTASK_A_INCIDENT_HOST, "host");
    auto instance = top.u64(HUNGTASK_A_INCIDENT_INSTANCE_ID, "instance-id");
    // What every incident the module sends carries; a message without it was cut.
    if (!r.error()) {
        if (top.flag(HUNGTASK_A_INCIDENT_REDUCED, "reduced").value_or(false))
            top.invalid("reduced", "a reduced event carries no chain: fetch it by dump");
        else if (!seq)
            top.missing("seq");
        else if (*seq == 0)
            top.invalid("seq", "must be at least 1");
        else if (!boot)
            top.missing("boot-id");
        else if (!trigger)
            top.missing("trigger");
        else if (!victim)
            top.missing("victim");
        else if (!host)
            top.missing("host");
    }
    if (r.error())
        return *r.error();

    switch (*trigger) {
        case HUNGTASK_TRIGGER_HUNG_TASK:
            in.trigger = Trigger::hung_task;
            break;
        case HUNGTASK_TRIGGER_CPU_HOG:
            in.trigger = Trigger::cpu_hog;
            break;
        case HUNGTASK_TRIGGER_SOFT_LOCKUP:
            in.trigger = Trigger::soft_lockup;
            break;
        case HUNGTASK_TRIGGER_PANIC:
            in.trigger = Trigger::panic;
            break;
        default:
            return Error{"unknown value " + std::to_string(*trigger), "trigger"};
    }
    in.boot_id = non_empty(*boot);
    if (in.boot_id == "unknown")
        in.boot_id.reset();
    in.seq = *seq;
    in.id = boot_prefix(in.boot_id) + "-" + std::to_string(in.seq);
    if (auto ns = top.u64(HUNGTASK_A_INCIDENT_DETECTED_NS, "detected-ns"))
        in.detected_at = iso8601_utc(int64_t(*ns / 1000000000));
    // The module counts further reports of the episode; the incident counts all of them.
    in.repeats = 1 + int64_t(top.u32(HUNGTASK_A_INCIDENT_REPEATS, "repeats").value_or(0));
    auto walked = widen(top.u32(HUNGTASK_A_INCIDENT_TASKS_WALKED, "tasks-walked"));
    in.capture = {
        {"module_seq", *seq},
        {"netlink_version", version},
        {"capture_ns", opt_json(widen(top.u64(HUNGTASK_A_INCIDENT_CAPTURE_NS, "capture-ns")))},
        {"victim_ns", opt_json(widen(top.u64(HUNGTASK_A_INCIDENT_VICTIM_NS, "victim-ns")))},
        {"tasks_walked", opt_json(walked)},
        {"walk_truncated",
         top.flag(HUNGTASK_A_INCIDENT_WALK_TRUNCATED, "walk-truncated").value_or(false)}};
    if (auto note = non_empty(top.str(HUNGTASK_A_INCIDENT_STACK_NOTE, "stack-note")))
        in.capture["stack_note"] = *note;
    if (instance)
        in.capture["instance_id"] = instance_id_text(*instance);

    // Coalescing: an update (seq > first-seq) is the incident first sent as first-seq.
    if (auto first = top.u64(HUNGTASK_A_INCIDENT_FIRST_SEQ, "first-seq"))
        in.capture["first_seq"] = *first;
    in.victim_count = widen(top.u32(HUNGTASK_A_INCIDENT_VICTIM_COUNT, "victim-count"));
    // Validated here, before anything is stored: the store's reader refuses a count
    // below 1 (model/incident.cpp), so such a record would be written and then unreadable.
    if (in.victim_count && *in.victim_count < 1)
        r.fail("victim-count", "is 0; an incident counts at least its own victim");
    if (in.victim_count) {
        std::vector<SampleVictim> sample;
        for (const Nest& t : top.nests(HUNGTASK_A_INCIDENT_VICTIM_SAMPLE, "victim-sample"))
            sample.push_back({int64_t(t.u32(HUNGTASK_A_TASK_PID, "pid").value_or(0)),
                              t.str(HUNGTASK_A_TASK_COMM, "comm").value_or("")});
        in.victim_sample = std::move(sample);
    }
    in.victims = {decode_victim(top, *victim)};
    for (const Nest& h : top.nests(HUNGTASK_A_INCIDENT_HOP, "hop"))
        in.chain.push_back(hop_from_netlink(h));  // hops/hop.hpp
    in.host = decode_host(*host);
    if (r.error())
        return *r.error();
    return in;
}

}  // namespace hungtask
