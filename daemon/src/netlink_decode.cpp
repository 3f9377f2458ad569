#include "netlink_decode.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "host.hpp"
#include "hungtask.h"
#include "coalesce.hpp"
#include "syscalls.hpp"

namespace hungtask {
namespace {

// <linux/netlink.h> and <linux/genetlink.h>, restated so the parser needs no kernel
// headers: struct nlattr is {u16 nla_len; u16 nla_type}, payloads are 4-byte aligned.
constexpr size_t kGenlHdrLen = 4;  // struct genlmsghdr: cmd, version, reserved
constexpr size_t kNlaHdrLen = 4;
constexpr uint16_t kNlaFNested = 1 << 15;
constexpr uint16_t kNlaFNetByteorder = 1 << 14;
constexpr uint16_t kNlaTypeMask = uint16_t(~(kNlaFNested | kNlaFNetByteorder));

constexpr size_t nla_align(size_t len) {
    return (len + 3) & ~size_t(3);
}

struct Attr {
    uint16_t type = 0;
    bool net_byteorder = false;
    std::span<const uint8_t> payload;
};

// The first error wins; later reads return nullopt and are ignored.
class Reader {
  public:
    void fail(const std::string& where, std::string what) {
        if (!error_)
            error_ = Error{std::move(what), where};
    }
    const std::optional<Error>& error() const { return error_; }

  private:
    std::optional<Error> error_;
};

// One attribute stream (the top level or a nest), split and bounds-checked at
// construction.  `path` names it in errors: "hop[1].worker.task".
class Nest {
  public:
    Nest(Reader& r, std::span<const uint8_t> data, std::string path)
        : r_(&r), path_(std::move(path)) {
        while (data.size() >= kNlaHdrLen) {
            uint16_t len, type;
            std::memcpy(&len, data.data(), 2);
            std::memcpy(&type, data.data() + 2, 2);
            if (len < kNlaHdrLen) {
                r_->fail(where(), "attribute type " + std::to_string(type & kNlaTypeMask) +
                                      " has length " + std::to_string(len) +
                                      ", less than its header");
                attrs_.clear();
                return;
            }
            if (len > data.size()) {
                r_->fail(where(), "attribute type " + std::to_string(type & kNlaTypeMask) +
                                      " length " + std::to_string(len) + " overruns the " +
                                      std::to_string(data.size()) + " bytes left");
                attrs_.clear();
                return;
            }
            attrs_.push_back(Attr{uint16_t(type & kNlaTypeMask), (type & kNlaFNetByteorder) != 0,
                                  data.subspan(kNlaHdrLen, len - kNlaHdrLen)});
            // The last attribute's padding may be missing (nla_ok() accepts that too).
            data = data.subspan(std::min(nla_align(len), data.size()));
        }
        if (!data.empty()) {
            r_->fail(where(), std::to_string(data.size()) + " trailing bytes");
            attrs_.clear();
        }
    }

    // The last attribute of a type, as nla_parse() keeps it; nullptr when absent.
    const Attr* find(uint16_t type) const {
        const Attr* out = nullptr;
        for (const auto& a : attrs_)
            if (a.type == type)
                out = &a;
        return out;
    }

    std::optional<uint8_t> u8(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 1);
        return v ? std::optional<uint8_t>(uint8_t(*v)) : std::nullopt;
    }
    std::optional<uint32_t> u32(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 4);
        return v ? std::optional<uint32_t>(uint32_t(*v)) : std::nullopt;
    }
    std::optional<int32_t> s32(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 4);
        return v ? std::optional<int32_t>(int32_t(uint32_t(*v))) : std::nullopt;
    }
    std::optional<uint64_t> u64(uint16_t type, const char* name) const {
        return fixed(type, name, 8);
    }
    std::optional<int64_t> s64(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 8);
        return v ? std::optional<int64_t>(int64_t(*v)) : std::nullopt;
    }
    std::optional<bool> flag(uint16_t type, const char* name) const {
        auto v = u8(type, name);
        return v ? std::optional<bool>(*v != 0) : std::nullopt;
    }

    // A NUL-terminated string; the text up to the first NUL, invalid UTF-8 replaced.
    std::optional<std::string> str(uint16_t type, const char* name) const {
        const Attr* a = find(type);
        if (!a)
            return std::nullopt;
        const auto* p = reinterpret_cast<const char*>(a->payload.data());
        const void* nul = a->payload.empty() ? nullptr : std::memchr(p, 0, a->payload.size());
        if (!nul) {
            r_->fail(child(name), "not NUL-terminated");
            return std::nullopt;
        }
        return sanitize_utf8(std::string_view(p, size_t(static_cast<const char*>(nul) - p)));
    }

    std::optional<Nest> nest(uint16_t type, const char* name) const {
        const Attr* a = find(type);
        if (!a)
            return std::nullopt;
        return Nest(*r_, a->payload, child(name));
    }
    // The nest, or an empty one when absent: its fields then all read as not reported.
    Nest nest_or_empty(uint16_t type, const char* name) const {
        auto n = nest(type, name);
        return n ? std::move(*n) : Nest(*r_, {}, child(name));
    }

    // Every attribute of a multi-attr type, in order, as nests named "name[i]".
    std::vector<Nest> nests(uint16_t type, const char* name) const {
        std::vector<Nest> out;
        for (const auto& a : attrs_)
            if (a.type == type)
                out.emplace_back(*r_, a.payload,
                                 child(name) + "[" + std::to_string(out.size()) + "]");
        return out;
    }

    std::vector<uint64_t> u64s(uint16_t type, const char* name) const {
        std::vector<uint64_t> out;
        for (const auto& a : attrs_)
            if (a.type == type) {
                auto v = decode_fixed(a, child(name) + "[" + std::to_string(out.size()) + "]", 8);
                if (!v)
                    return {};
                out.push_back(*v);
            }
        return out;
    }

    void missing(const char* name) const { r_->fail(child(name), "missing"); }
    void invalid(const char* name, const std::string& what) const { r_->fail(child(name), what); }

  private:
    std::string child(const char* name) const {
        return path_.empty() ? std::string(name) : path_ + "." + name;
    }
    std::string where() const { return path_.empty() ? std::string("attributes") : path_; }

    std::optional<uint64_t> fixed(uint16_t type, const char* name, size_t size) const {
        const Attr* a = find(type);
        return a ? decode_fixed(*a, child(name), size) : std::nullopt;
    }

    std::optional<uint64_t> decode_fixed(const Attr& a, const std::string& where,
                                         size_t size) const {
        if (a.payload.size() != size) {
            r_->fail(where, "expected " + std::to_string(size) + " bytes, got " +
                                std::to_string(a.payload.size()));
            return std::nullopt;
        }
        uint64_t v = 0;
        if (a.net_byteorder) {
            for (size_t i = 0; i < size; i++)
                v = (v << 8) | a.payload[i];
            return v;
        }
        // Host byte order, as netlink sends it; the daemon runs on the module's host.
        uint8_t buf[8] = {};
        std::memcpy(buf, a.payload.data(), size);
        switch (size) {
            case 1:
                return buf[0];
            case 2: {
                uint16_t x;
                std::memcpy(&x, buf, 2);
                return x;
            }
            case 4: {
                uint32_t x;
                std::memcpy(&x, buf, 4);
                return x;
            }
            default:
                std::memcpy(&v, buf, 8);
                return v;
        }
    }

    Reader* r_;
    std::string path_;
    std::vector<Attr> attrs_;
};

Json opt_json(const std::optional<int64_t>& v) {
    return v ? Json(*v) : Json(nullptr);
}
Json opt_json(const std::optional<std::string>& v) {
    return v ? Json(*v) : Json(nullptr);
}
template <typename T>
std::optional<int64_t> widen(const std::optional<T>& v) {
    return v ? std::optional<int64_t>(int64_t(*v)) : std::nullopt;
}
std::optional<int64_t> widen(const std::optional<uint64_t>& v) {
    // Counters beyond INT64_MAX do not occur; clamp instead of wrapping negative.
    return v ? std::optional<int64_t>(int64_t(std::min<uint64_t>(*v, INT64_MAX))) : std::nullopt;
}
std::optional<std::string> non_empty(std::optional<std::string> s) {
    return s && !s->empty() ? s : std::nullopt;
}

// The kmsg record prints addresses with %px: 16 lowercase hex digits, no "0x".
Json px(const std::optional<uint64_t>& v) {
    if (!v)
        return nullptr;
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016" PRIx64, *v);
    return buf;
}

// task_state_to_char() letter as a one-letter string; nothing for a non-printable byte.
std::optional<std::string> state_letter(const std::optional<uint8_t>& c) {
    if (!c || *c < 0x21 || *c > 0x7e)
        return std::nullopt;
    return std::string(1, char(*c));
}

// A `task` nest, with the keys and order of kmsg_record.cpp's task_json().
Json task_json(const Nest& t) {
    Json j = Json::object();
    j["pid"] = opt_json(widen(t.u32(HUNGTASK_A_TASK_PID, "pid")));
    j["tgid"] = opt_json(widen(t.u32(HUNGTASK_A_TASK_TGID, "tgid")));
    j["comm"] = opt_json(non_empty(t.str(HUNGTASK_A_TASK_COMM, "comm")));
    j["state"] = opt_json(state_letter(t.u8(HUNGTASK_A_TASK_STATE, "state")));
    j["cpu"] = opt_json(widen(t.u32(HUNGTASK_A_TASK_CPU, "cpu")));
    j["on_cpu"] = t.flag(HUNGTASK_A_TASK_ON_CPU, "on-cpu").value_or(false);
    j["on_rq"] = t.flag(HUNGTASK_A_TASK_ON_RQ, "on-rq").value_or(false);
    j["policy"] = opt_json(widen(t.u32(HUNGTASK_A_TASK_POLICY, "policy")));
    j["prio"] = opt_json(widen(t.s32(HUNGTASK_A_TASK_PRIO, "prio")));
    bool kthread = t.flag(HUNGTASK_A_TASK_KTHREAD, "kthread").value_or(false);
    j["kthread"] = kthread;
    j["runtime_ns"] = opt_json(widen(t.u64(HUNGTASK_A_TASK_RUNTIME_NS, "runtime-ns")));
    j["since_arrival_ns"] =
        opt_json(widen(t.u64(HUNGTASK_A_TASK_SINCE_ARRIVAL_NS, "since-arrival-ns")));
    j["queued_ns"] = opt_json(widen(t.u64(HUNGTASK_A_TASK_QUEUED_NS, "queued-ns")));
    j["run_delay_ns"] = opt_json(widen(t.u64(HUNGTASK_A_TASK_RUN_DELAY_NS, "run-delay-ns")));
    j["nvcsw"] = opt_json(widen(t.u64(HUNGTASK_A_TASK_NVCSW, "nvcsw")));
    j["nivcsw"] = opt_json(widen(t.u64(HUNGTASK_A_TASK_NIVCSW, "nivcsw")));
    (void)t.u64(HUNGTASK_A_TASK_THREADFN, "threadfn");  // size-checked; the text is used
    auto fn = t.str(HUNGTASK_A_TASK_THREADFN_SYM, "threadfn-sym");
    put_symbol(j, kthread ? fn : std::nullopt, "function", "module");
    return j;
}

// A `stack` nest -> its frames' %pS text, innermost first.  A frame without its text
// shows its address the way %pS prints an address without a symbol.
std::vector<std::string> stack_frames(const Nest& s) {
    std::vector<std::string> out;
    for (const Nest& f : s.nests(HUNGTASK_A_STACK_FRAME, "frame")) {
        auto addr = f.u64(HUNGTASK_A_FRAME_ADDR, "addr");
        if (auto sym = non_empty(f.str(HUNGTASK_A_FRAME_SYM, "sym"))) {
            out.push_back(*sym);
        } else if (addr) {
            char buf[24];
            std::snprintf(buf, sizeof(buf), "0x%" PRIx64, *addr);
            out.push_back(buf);
        }
    }
    return out;
}

void flush_work_fields(const Nest& f, Json& out) {
    out["barrier"] = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_BARRIER, "barrier"));
    out["pwq"] = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_PWQ, "pwq"));
    out["pool"] = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_POOL, "pool"));
    out["pool_cpu"] = opt_json(widen(f.s32(HUNGTASK_A_HOP_FLUSH_WORK_POOL_CPU, "pool-cpu")));
    out["pool_id"] = opt_json(widen(f.s32(HUNGTASK_A_HOP_FLUSH_WORK_POOL_ID, "pool-id")));
    out["workqueue"] = opt_json(non_empty(f.str(HUNGTASK_A_HOP_FLUSH_WORK_WQ_NAME, "wq-name")));
    out["target"] = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_TARGET, "target"));
    Json state = nullptr;
    if (auto s = f.u32(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_STATE, "target-state")) {
        switch (*s) {
            case HUNGTASK_TARGET_STATE_PENDING:
                state = "pending";
                break;
            case HUNGTASK_TARGET_STATE_RUNNING:
                state = "running";
                break;
            default:  // unknown, or a state this reader does not know
                state = "unknown";
        }
    }
    out["target_state"] = state;
    (void)f.u64(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_FUNC, "target-func");
    put_symbol(out, f.str(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_SYM, "target-sym"), "target_function",
               "target_module");
    auto ex = f.u32(HUNGTASK_A_HOP_FLUSH_WORK_EXECUTING_PID, "executing-pid");
    out["executing_pid"] = ex && *ex > 0 ? Json(int64_t(*ex)) : Json(nullptr);
}

void worker_fields(const Nest& w, Json& out) {
    out["pool_member"] = w.flag(HUNGTASK_A_HOP_WORKER_POOL_MEMBER, "pool-member").value_or(false);
    out["runs_target"] = w.flag(HUNGTASK_A_HOP_WORKER_RUNS_TARGET, "runs-target").value_or(false);
    auto task = w.nest(HUNGTASK_A_HOP_WORKER_TASK, "task");
    out["task"] = task ? task_json(*task) : Json(nullptr);
}

void cpu_fields(const Nest& c, Json& out) {
    out["cpu"] = opt_json(widen(c.u32(HUNGTASK_A_HOP_CPU_CPU, "cpu")));
    Json source = nullptr;
    if (auto s = c.u32(HUNGTASK_A_HOP_CPU_HOG_SOURCE, "hog-source")) {
        if (*s == HUNGTASK_HOG_SOURCE_NONE)
            source = "none";
        else if (*s == HUNGTASK_HOG_SOURCE_IPI)
            source = "ipi";
        else if (*s == HUNGTASK_HOG_SOURCE_WALK)
            source = "walk";
    }
    out["hog_source"] = source;
    auto hog = c.nest(HUNGTASK_A_HOP_CPU_HOG, "hog");
    out["hog"] = hog ? task_json(*hog) : Json(nullptr);
    std::vector<std::string> stack;
    if (auto s = c.nest(HUNGTASK_A_HOP_CPU_HOG_STACK, "hog-stack"))
        stack = stack_frames(*s);
    trim_ipi_frames(stack);
    out["hog_stack"] = stack;
    out["stack_note"] = opt_json(non_empty(c.str(HUNGTASK_A_HOP_CPU_STACK_NOTE, "stack-note")));
    out["ipi_ns"] = opt_json(widen(c.u64(HUNGTASK_A_HOP_CPU_IPI_NS, "ipi-ns")));
    Json runq = Json::array();
    for (const Nest& e : c.nests(HUNGTASK_A_HOP_CPU_RUNQ, "runq")) {
        runq.push_back(
            {{"pid", opt_json(widen(e.u32(HUNGTASK_A_RUNQ_ENTRY_PID, "pid")))},
             {"comm", opt_json(non_empty(e.str(HUNGTASK_A_RUNQ_ENTRY_COMM, "comm")))},
             {"state", opt_json(state_letter(e.u8(HUNGTASK_A_RUNQ_ENTRY_STATE, "state")))},
             {"queued_ns", opt_json(widen(e.u64(HUNGTASK_A_RUNQ_ENTRY_QUEUED_NS, "queued-ns")))}});
    }
    out["runq"] = std::move(runq);
    out["runq_total"] = opt_json(widen(c.u32(HUNGTASK_A_HOP_CPU_RUNQ_TOTAL, "runq-total")));
    (void)c.u32(HUNGTASK_A_HOP_CPU_RUNQ_WALKED, "runq-walked");
    out["runq_truncated"] =
        c.flag(HUNGTASK_A_HOP_CPU_RUNQ_TRUNCATED, "runq-truncated").value_or(false);
}

// One `hop` nest; the fields in the order kmsg_record.cpp gives them.
Hop decode_hop(const Nest& h) {
    Hop hop;
    auto kind = h.u32(HUNGTASK_A_HOP_KIND, "kind");
    if (!kind) {
        h.missing("kind");
        return hop;
    }
    hop.verified = h.flag(HUNGTASK_A_HOP_VERIFIED, "verified").value_or(false);
    Json& f = hop.fields;
    f["reason"] = opt_json(non_empty(h.str(HUNGTASK_A_HOP_REASON, "reason")));
    switch (*kind) {
        case HUNGTASK_HOP_KIND_FLUSH_WORK:
            hop.kind = "flush_work";
            flush_work_fields(h.nest_or_empty(HUNGTASK_A_HOP_FLUSH_WORK, "flush-work"), f);
            break;
        case HUNGTASK_HOP_KIND_WORKER:
            hop.kind = "worker";
            worker_fields(h.nest_or_empty(HUNGTASK_A_HOP_WORKER, "worker"), f);
            break;
        case HUNGTASK_HOP_KIND_CPU:
            hop.kind = "cpu";
            cpu_fields(h.nest_or_empty(HUNGTASK_A_HOP_CPU, "cpu"), f);
            break;
        default:
            // A kind of a newer module: kept in its place in the chain, so that a verdict
            // never skips over a link this reader cannot interpret.
            hop.kind = "unknown";
            f["kind_value"] = int64_t(*kind);
    }
    return hop;
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

    in.victims = {decode_victim(top, *victim)};
    for (const Nest& h : top.nests(HUNGTASK_A_INCIDENT_HOP, "hop"))
        in.chain.push_back(decode_hop(h));
    in.host = decode_host(*host);
    if (r.error())
        return *r.error();
    return in;
}

}  // namespace hungtask
