#include "incident.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace hungtask {

namespace {

constexpr std::array<std::pair<Trigger, std::string_view>, 4> kTriggers{{
    {Trigger::hung_task, "hung_task"},
    {Trigger::cpu_hog, "cpu_hog"},
    {Trigger::soft_lockup, "soft_lockup"},
    {Trigger::panic, "panic"},
}};

constexpr std::array<std::pair<VerdictKind, std::string_view>, 6> kVerdictKinds{{
    {VerdictKind::runqueue_starvation, "runqueue_starvation"},
    {VerdictKind::lock_chain, "lock_chain"},
    {VerdictKind::deadlock, "deadlock"},
    {VerdictKind::cpu_hog, "cpu_hog"},
    {VerdictKind::io_wait, "io_wait"},
    {VerdictKind::unknown, "unknown"},
}};

constexpr std::array<std::pair<Confidence, std::string_view>, 3> kConfidences{{
    {Confidence::high, "high"},
    {Confidence::medium, "medium"},
    {Confidence::low, "low"},
}};

template <typename T>
Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

// Strict reader: remembers the first error (with its field path) and hands out
// harmless defaults after that, so the decoding code stays linear.
class Reader {
  public:
    std::optional<Error> error;

    void fail(const std::string& path, const std::string& what) {
        if (!error)
            error = Error{what, path};
    }

    const Json* member(const Json& obj, const std::string& path, const char* key, bool required) {
        if (!obj.is_object()) {
            fail(path, "expected an object");
            return nullptr;
        }
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required)
                fail(join(path, key), "missing field");
            return nullptr;
        }
        return &*it;
    }

    static std::string join(const std::string& path, const char* key) {
        return path.empty() ? std::string(key) : path + "." + key;
    }

    std::string str(const Json& obj, const std::string& path, const char* key) {
        const Json* v = member(obj, path, key, true);
        if (!v)
            return {};
        if (!v->is_string()) {
            fail(join(path, key), "expected a string");
            return {};
        }
        return v->get<std::string>();
    }

    // Present but possibly null (design fields); `required=false` also allows absence.
    std::optional<std::string> opt_str(const Json& obj, const std::string& path, const char* key,
                                       bool required = true) {
        const Json* v = member(obj, path, key, required);
        if (!v || v->is_null())
            return std::nullopt;
        if (!v->is_string()) {
            fail(join(path, key), "expected a string or null");
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    std::optional<int64_t> opt_int(const Json& obj, const std::string& path, const char* key,
                                   bool required = true) {
        const Json* v = member(obj, path, key, required);
        if (!v || v->is_null())
            return std::nullopt;
        if (!v->is_number_integer()) {
            fail(join(path, key), "expected an integer or null");
            return std::nullopt;
        }
        if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX)) {
            fail(join(path, key), "integer out of range");
            return std::nullopt;
        }
        return v->get<int64_t>();
    }

    int64_t int_(const Json& obj, const std::string& path, const char* key) {
        const Json* v = member(obj, path, key, true);
        if (!v)
            return 0;
        if (v->is_null()) {
            fail(join(path, key), "must not be null");
            return 0;
        }
        auto r = opt_int(obj, path, key);
        return r.value_or(0);
    }

    std::optional<double> opt_double(const Json& obj, const std::string& path, const char* key) {
        const Json* v = member(obj, path, key, false);
        if (!v || v->is_null())
            return std::nullopt;
        if (!v->is_number()) {
            fail(join(path, key), "expected a number or null");
            return std::nullopt;
        }
        return v->get<double>();
    }

    bool boolean(const Json& obj, const std::string& path, const char* key, bool required,
                 bool dflt) {
        const Json* v = member(obj, path, key, required);
        if (!v)
            return dflt;
        if (!v->is_boolean()) {
            fail(join(path, key), "expected true or false");
            return dflt;
        }
        return v->get<bool>();
    }

    std::vector<std::string> str_array(const Json& obj, const std::string& path, const char* key,
                                       bool required) {
        std::vector<std::string> out;
        const Json* v = member(obj, path, key, required);
        if (!v)
            return out;
        if (!v->is_array()) {
            fail(join(path, key), "expected an array of strings");
            return out;
        }
        for (size_t i = 0; i < v->size(); i++) {
            if (!(*v)[i].is_string()) {
                fail(join(path, key) + "[" + std::to_string(i) + "]", "expected a string");
                return out;
            }
            out.push_back((*v)[i].get<std::string>());
        }
        return out;
    }

    const Json* array(const Json& obj, const std::string& path, const char* key) {
        const Json* v = member(obj, path, key, true);
        if (v && !v->is_array()) {
            fail(join(path, key), "expected an array");
            return nullptr;
        }
        return v;
    }
};

Victim read_victim(Reader& r, const Json& j, const std::string& path) {
    Victim v;
    if (!j.is_object()) {
        r.fail(path, "expected an object");
        return v;
    }
    v.pid = r.int_(j, path, "pid");
    v.comm = r.str(j, path, "comm");
    v.state = r.opt_str(j, path, "state");
    v.blocked_s = r.opt_int(j, path, "blocked_s");
    v.syscall = r.opt_str(j, path, "syscall");
    v.stack = r.str_array(j, path, "stack", true);
    v.tgid = r.opt_int(j, path, "tgid", false);
    v.ppid = r.opt_int(j, path, "ppid", false);
    v.workqueue = r.opt_str(j, path, "workqueue", false);
    v.stack_unreliable = r.str_array(j, path, "stack_unreliable", false);
    v.path = r.opt_str(j, path, "path", false);
    v.cgroup = r.opt_str(j, path, "cgroup", false);
    v.cpu = r.opt_int(j, path, "cpu", false);
    v.syscall_abi = r.opt_str(j, path, "syscall_abi", false);
    return v;
}

Hop read_hop(Reader& r, const Json& j, const std::string& path) {
    Hop h;
    if (!j.is_object()) {
        r.fail(path, "expected an object");
        return h;
    }
    std::string kind = r.str(j, path, "kind");
    if (!r.error && kind.empty())
        r.fail(path + ".kind", "must not be empty");
    r.boolean(j, path, "verified", true, false);
    if (r.error)
        return h;
    return hop_from_json(j);  // hops/hop.hpp: the kind's members, read leniently
}

Verdict read_verdict(Reader& r, const Json& j, const std::string& path) {
    Verdict v;
    if (!j.is_object()) {
        r.fail(path, "expected an object");
        return v;
    }
    std::string kind = r.str(j, path, "kind");
    if (!r.error) {
        auto k = verdict_kind_from_string(kind);
        if (!k)
            r.fail(path + ".kind", "unknown verdict kind \"" + kind + "\"");
        else
            v.kind = *k;
    }
    const Json* c = r.member(j, path, "culprit", true);
    if (c && !c->is_null()) {
        std::string cp = path + ".culprit";
        if (!c->is_object()) {
            r.fail(cp, "expected an object or null");
        } else {
            Culprit cu;
            cu.pid = r.opt_int(*c, cp, "pid");
            cu.comm = r.opt_str(*c, cp, "comm");
            cu.function = r.opt_str(*c, cp, "function");
            cu.module = r.opt_str(*c, cp, "module");
            v.culprit = cu;
        }
    }
    v.summary = r.str(j, path, "summary");
    // The extras are optional (records written before they existed lack them) but
    // type-checked when present.
    if (const Json* c = r.member(j, path, "confidence", false); c && !c->is_null()) {
        auto k = c->is_string() ? confidence_from_string(c->get<std::string>()) : std::nullopt;
        if (!k)
            r.fail(path + ".confidence", "expected \"high\", \"medium\", \"low\" or null");
        else
            v.confidence = *k;
    }
    v.evidence = r.str_array(j, path, "evidence", false);
    v.next_steps = r.str_array(j, path, "next_steps", false);
    return v;
}

Host read_host(Reader& r, const Json& j, const std::string& path) {
    Host h;
    if (!j.is_object()) {
        r.fail(path, "expected an object");
        return h;
    }
    h.kernel_release = r.opt_str(j, path, "kernel_release");
    h.preemption = r.opt_str(j, path, "preemption");
    h.watchdog = r.opt_int(j, path, "watchdog");
    h.softlockup_panic = r.opt_int(j, path, "softlockup_panic");
    h.hung_task_timeout_secs = r.opt_int(j, path, "hung_task_timeout_secs");
    h.hung_task_panic = r.opt_int(j, path, "hung_task_panic");
    h.watchdog_thresh = r.opt_int(j, path, "watchdog_thresh", false);
    h.taint = r.opt_str(j, path, "taint");
    const Json* m = r.member(j, path, "out_of_tree_modules", true);
    if (m && !m->is_null()) {
        h.out_of_tree_modules = r.str_array(j, path, "out_of_tree_modules", true);
    }
    return h;
}

bool is_scheduler_or_wait_helper(std::string_view fn) {
    // Completion and I/O waits are skipped too: their caller (flush_work, ...) says more.
    // Lock slow paths (__mutex_lock, rwsem_down_*_slowpath, __down_common) are kept: the
    // lock primitive is the answer to "blocked in what".
    static constexpr std::string_view kWaitHelpers[] = {
        "io_schedule",
        "io_schedule_timeout",
        "do_wait_for_common",
        "__wait_for_common",
        "wait_for_common",
        "wait_for_common_io",
        "wait_for_completion",
        "wait_for_completion_timeout",
        "wait_for_completion_io",
        "wait_for_completion_io_timeout",
        "wait_for_completion_killable",
        "wait_for_completion_state",
        "bit_wait_io",
    };
    return is_scheduling_frame(fn) || std::find(std::begin(kWaitHelpers), std::end(kWaitHelpers),
                                                fn) != std::end(kWaitHelpers);
}

}  // namespace

bool is_scheduling_frame(std::string_view fn) {
    static constexpr std::string_view kExact[] = {
        "__schedule",
        "schedule",
        "schedule_timeout",
        "schedule_timeout_uninterruptible",
        "schedule_timeout_interruptible",
        "schedule_timeout_killable",
        "schedule_preempt_disabled",
        "schedule_hrtimeout_range_clock",
        "schedule_hrtimeout_range",
        "schedule_hrtimeout",
        "preempt_schedule",
        "preempt_schedule_common",
        "bit_wait",
        "__wait_on_bit",
        "__wait_on_bit_lock",
        "out_of_line_wait_on_bit",
        "out_of_line_wait_on_bit_lock",
        "wait_woken",
    };
    return std::find(std::begin(kExact), std::end(kExact), fn) != std::end(kExact);
}

std::string_view to_string(Trigger t) {
    for (auto& [k, s] : kTriggers) {
        if (k == t)
            return s;
    }
    return "unknown";
}

std::string_view to_string(VerdictKind v) {
    for (auto& [k, s] : kVerdictKinds) {
        if (k == v)
            return s;
    }
    return "unknown";
}

std::string_view to_string(Confidence c) {
    for (auto& [k, s] : kConfidences) {
        if (k == c)
            return s;
    }
    return "low";
}

std::optional<Trigger> trigger_from_string(std::string_view s) {
    for (auto& [k, n] : kTriggers) {
        if (n == s)
            return k;
    }
    return std::nullopt;
}

std::optional<VerdictKind> verdict_kind_from_string(std::string_view s) {
    for (auto& [k, n] : kVerdictKinds) {
        if (n == s)
            return k;
    }
    return std::nullopt;
}

std::optional<Confidence> confidence_from_string(std::string_view s) {
    for (auto& [k, n] : kConfidences) {
        if (n == s)
            return k;
    }
    return std::nullopt;
}

Json to_json(const Incident& in) {
    Json victims = Json::array();
    for (const auto& v : in.victims) {
        Json jv = {
            {"pid", v.pid},
            {"comm", v.comm},
            {"state", opt(v.state)},
            {"blocked_s", opt(v.blocked_s)},
            {"syscall", opt(v.syscall)},
            {"stack", v.stack},
            {"tgid", opt(v.tgid)},
            {"ppid", opt(v.ppid)},
            {"workqueue", opt(v.workqueue)},
            {"stack_unreliable", v.stack_unreliable},
        };
        if (v.path)
            jv["path"] = *v.path;
        if (v.cgroup)
            jv["cgroup"] = *v.cgroup;
        if (v.cpu)
            jv["cpu"] = *v.cpu;
        if (v.syscall_abi)
            jv["syscall_abi"] = *v.syscall_abi;
        victims.push_back(std::move(jv));
    }
    Json chain = Json::array();
    for (const auto& h : in.chain)
        chain.push_back(to_json(h));
    Json culprit = nullptr;
    if (in.verdict.culprit) {
        const auto& c = *in.verdict.culprit;
        culprit = {{"pid", opt(c.pid)},
                   {"comm", opt(c.comm)},
                   {"function", opt(c.function)},
                   {"module", opt(c.module)}};
    }
    Json oot = nullptr;
    if (in.host.out_of_tree_modules)
        oot = *in.host.out_of_tree_modules;
    return Json{
        {"id", in.id},
        {"boot_id", opt(in.boot_id)},
        {"seq", in.seq},
        {"detected_at", opt(in.detected_at)},
        {"trigger", to_string(in.trigger)},
        {"victims", std::move(victims)},
        {"chain", std::move(chain)},
        {"verdict",
         {{"kind", to_string(in.verdict.kind)},
          {"culprit", std::move(culprit)},
          {"summary", in.verdict.summary},
          {"confidence",
           in.verdict.confidence ? Json(to_string(*in.verdict.confidence)) : Json(nullptr)},
          {"evidence", in.verdict.evidence},
          {"next_steps", in.verdict.next_steps}}},
        {"host",
         {{"kernel_release", opt(in.host.kernel_release)},
          {"preemption", opt(in.host.preemption)},
          {"watchdog", opt(in.host.watchdog)},
          {"softlockup_panic", opt(in.host.softlockup_panic)},
          {"hung_task_timeout_secs", opt(in.host.hung_task_timeout_secs)},
          {"hung_task_panic", opt(in.host.hung_task_panic)},
          {"watchdog_thresh", opt(in.host.watchdog_thresh)},
          {"taint", opt(in.host.taint)},
          {"out_of_tree_modules", std::move(oot)}}},
        {"source", in.source},
        {"repeats", in.repeats},
        {"panicked", in.panicked},
        {"first_seen_uptime_s", opt(in.first_seen_uptime_s)},
        {"last_seen_uptime_s", opt(in.last_seen_uptime_s)},
        {"capture", in.capture},
    };
}

Json to_json(const std::vector<Incident>& incidents) {
    Json arr = Json::array();
    for (const auto& in : incidents)
        arr.push_back(to_json(in));
    return arr;
}

Result<Incident> incident_from_json(const Json& j) {
    Reader r;
    Incident in;
    const std::string root;
    if (!j.is_object())
        return Error{"expected an incident object", ""};
    in.id = r.str(j, root, "id");
    if (!r.error && in.id.empty())
        r.fail("id", "must not be empty");
    // Ids name files in the store: keep them to a safe alphabet.
    if (!r.error && !std::all_of(in.id.begin(), in.id.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '-' || c == '_' || c == '.';
        }))
        r.fail("id", "may only hold letters, digits, '-', '_' and '.'");
    if (!r.error && in.id[0] == '.')
        r.fail("id", "must not start with '.'");
    in.boot_id = r.opt_str(j, root, "boot_id");
    {
        const Json* s = r.member(j, root, "seq", true);
        if (s && !(s->is_number_unsigned() || (s->is_number_integer() && s->get<int64_t>() >= 0)))
            r.fail("seq", "expected a non-negative integer");
        else if (s)
            in.seq = s->get<uint64_t>();
    }
    in.detected_at = r.opt_str(j, root, "detected_at");
    if (!r.error && in.detected_at && !normalize_iso8601(*in.detected_at))
        r.fail("detected_at", "not an ISO 8601 UTC time: \"" + *in.detected_at + "\"");
    std::string trig = r.str(j, root, "trigger");
    if (!r.error) {
        auto t = trigger_from_string(trig);
        if (!t)
            r.fail("trigger", "unknown trigger \"" + trig + "\"");
        else
            in.trigger = *t;
    }
    if (const Json* vs = r.array(j, root, "victims")) {
        for (size_t i = 0; i < vs->size() && !r.error; i++)
            in.victims.push_back(read_victim(r, (*vs)[i], "victims[" + std::to_string(i) + "]"));
    }
    if (const Json* cs = r.array(j, root, "chain")) {
        for (size_t i = 0; i < cs->size() && !r.error; i++)
            in.chain.push_back(read_hop(r, (*cs)[i], "chain[" + std::to_string(i) + "]"));
    }
    if (const Json* v = r.member(j, root, "verdict", true))
        in.verdict = read_verdict(r, *v, "verdict");
    if (const Json* h = r.member(j, root, "host", true))
        in.host = read_host(r, *h, "host");
    in.source = r.opt_str(j, root, "source", false).value_or("");
    in.repeats = r.opt_int(j, root, "repeats", false).value_or(1);
    if (!r.error && in.repeats < 1)
        r.fail("repeats", "must be at least 1");
    in.panicked = r.boolean(j, root, "panicked", false, false);
    in.first_seen_uptime_s = r.opt_double(j, root, "first_seen_uptime_s");
    in.last_seen_uptime_s = r.opt_double(j, root, "last_seen_uptime_s");
    if (const Json* c = r.member(j, root, "capture", false); c && !c->is_null()) {
        if (!c->is_object())
            r.fail("capture", "expected an object or null");
        else
            in.capture = *c;
    }
    if (r.error)
        return *r.error;
    return in;
}

Result<std::vector<Incident>> incidents_from_json(const Json& j) {
    if (!j.is_array())
        return Error{"expected a JSON array of incidents", ""};
    std::vector<Incident> out;
    for (size_t i = 0; i < j.size(); i++) {
        auto r = incident_from_json(j[i]);
        if (!r) {
            Error e = r.error();
            e.where = "[" + std::to_string(i) + "]" + (e.where.empty() ? "" : "." + e.where);
            return e;
        }
        out.push_back(std::move(r).value());
    }
    return out;
}

Result<std::vector<Incident>> incidents_from_text(std::string_view text, const std::string& where) {
    Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return Error{"not valid JSON", where};
    auto r = incidents_from_json(j);
    if (!r)
        return r.error().within(where);
    return r;
}

std::string dump_json(const Json& j, int indent) {
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xe  ? 3
                     : (c >> 3) == 0x1e ? 4
                                        : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (size_t k = 1; ok && k < len; k++)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if (ok && len == 2 && c < 0xc2)
            ok = false;  // overlong
        if (ok && len == 3) {
            unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))
                ok = false;  // overlong or surrogate
        }
        if (ok && len == 4) {
            unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xf0 && c1 < 0x90) || c > 0xf4 || (c == 0xf4 && c1 >= 0x90))
                ok = false;
        }
        if (!ok) {
            out.push_back('?');
            i++;
            continue;
        }
        out.append(s.substr(i, len));
        i += len;
    }
    return out;
}

std::string incident_key(const Incident& in) {
    std::string key = std::string(to_string(in.trigger)) + "|";
    if (in.boot_id) {
        key += "boot=" + *in.boot_id;
    } else {
        char ts[64] = "?";
        if (in.first_seen_uptime_s)
            std::snprintf(ts, sizeof ts, "%.6f", *in.first_seen_uptime_s);
        key += "release=" + in.host.kernel_release.value_or("?") + "|first=" + ts;
    }
    if (!in.victims.empty())
        key += "|pid=" + std::to_string(in.victims[0].pid) + "|comm=" + in.victims[0].comm;
    return key;
}

Incident merge_incident(const Incident& existing, const Incident& update) {
    Incident out = existing;
    out.repeats = std::max(existing.repeats, update.repeats);
    out.panicked = existing.panicked || update.panicked;
    if (!out.first_seen_uptime_s ||
        (update.first_seen_uptime_s && *update.first_seen_uptime_s < *out.first_seen_uptime_s))
        out.first_seen_uptime_s = update.first_seen_uptime_s;
    if (!out.last_seen_uptime_s ||
        (update.last_seen_uptime_s && *update.last_seen_uptime_s > *out.last_seen_uptime_s))
        out.last_seen_uptime_s = update.last_seen_uptime_s;
    if (!out.detected_at)
        out.detected_at = update.detected_at;
    for (size_t i = 0; i < update.victims.size(); i++) {
        if (i >= out.victims.size()) {
            out.victims.push_back(update.victims[i]);
            continue;
        }
        Victim& v = out.victims[i];
        const Victim& u = update.victims[i];
        if (u.blocked_s && (!v.blocked_s || *u.blocked_s > *v.blocked_s))
            v.blocked_s = u.blocked_s;
        if (v.stack.empty() && !u.stack.empty()) {
            v.stack = u.stack;
            v.stack_unreliable = u.stack_unreliable;
        }
        if (!v.state)
            v.state = u.state;
        if (!v.syscall)
            v.syscall = u.syscall;
        if (!v.tgid)
            v.tgid = u.tgid;
        if (!v.ppid)
            v.ppid = u.ppid;
        if (!v.workqueue)
            v.workqueue = u.workqueue;
        if (!v.path)
            v.path = u.path;
        if (!v.cgroup)
            v.cgroup = u.cgroup;
        if (!v.cpu)
            v.cpu = u.cpu;
        if (!v.syscall_abi)
            v.syscall_abi = u.syscall_abi;
    }
    if (out.capture.is_null())
        out.capture = update.capture;
    // A later report may carry a chain or verdict the first one lacked.
    if (out.chain.empty() && !update.chain.empty())
        out.chain = update.chain;
    if (out.verdict.kind == VerdictKind::unknown && update.verdict.kind != VerdictKind::unknown)
        out.verdict = update.verdict;
    else if (out.verdict.kind == update.verdict.kind && !update.verdict.summary.empty()) {
        // The summary and its evidence and advice describe one explanation: take them
        // together, never a summary of one with the evidence of another.
        out.verdict.summary = update.verdict.summary;
        out.verdict.confidence = update.verdict.confidence;
        out.verdict.evidence = update.verdict.evidence;
        out.verdict.next_steps = update.verdict.next_steps;
    }
    auto fill = [](auto& dst, const auto& src) {
        if (!dst)
            dst = src;
    };
    fill(out.host.kernel_release, update.host.kernel_release);
    fill(out.host.preemption, update.host.preemption);
    fill(out.host.watchdog, update.host.watchdog);
    fill(out.host.softlockup_panic, update.host.softlockup_panic);
    fill(out.host.hung_task_timeout_secs, update.host.hung_task_timeout_secs);
    fill(out.host.hung_task_panic, update.host.hung_task_panic);
    fill(out.host.watchdog_thresh, update.host.watchdog_thresh);
    fill(out.host.taint, update.host.taint);
    fill(out.host.out_of_tree_modules, update.host.out_of_tree_modules);
    return out;
}

std::string frame_function(std::string_view frame) {
    size_t start = frame.find_first_not_of(' ');
    if (start == std::string_view::npos)
        return {};
    frame.remove_prefix(start);
    if (frame.starts_with("? "))
        frame.remove_prefix(2);
    size_t end = frame.find_first_of("+ ");
    std::string fn(frame.substr(0, end));
    // Compiler clones ("__mutex_lock.constprop.0", "foo.isra.0", "bar.cold") are the
    // same function for a reader.
    if (size_t dot = fn.find('.'); dot != std::string::npos && dot > 0)
        fn.resize(dot);
    return fn;
}

std::optional<std::string> frame_module(std::string_view frame) {
    size_t open = frame.rfind('[');
    size_t close = frame.rfind(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2)
        return std::nullopt;
    std::string_view inside = frame.substr(open + 1, close - open - 1);
    // With CONFIG_STACKTRACE_BUILD_ID the suffix is "[module build_id]".
    inside = inside.substr(0, inside.find(' '));
    if (inside.empty())
        return std::nullopt;
    return std::string(inside);
}

std::optional<std::string> blocked_in(const Victim& victim) {
    for (const auto& f : victim.stack) {
        std::string fn = frame_function(f);
        if (fn.empty() || fn.starts_with("0x"))
            continue;
        if (!is_scheduler_or_wait_helper(fn))
            return fn;
    }
    return std::nullopt;
}

std::string iso8601_utc(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<std::string> normalize_iso8601(std::string_view s) {
    auto digits = [&](size_t pos, size_t n) {
        if (pos + n > s.size())
            return false;
        for (size_t i = pos; i < pos + n; i++) {
            if (!std::isdigit(static_cast<unsigned char>(s[i])))
                return false;
        }
        return true;
    };
    auto num = [&](size_t pos, size_t n) { return std::stoi(std::string(s.substr(pos, n))); };
    if (!digits(0, 4) || s.size() < 10 || s[4] != '-' || !digits(5, 2) || s[7] != '-' ||
        !digits(8, 2))
        return std::nullopt;
    int hh = 0, mm = 0, ss = 0;
    size_t pos = 10;
    if (s.size() > 10) {
        if ((s[10] != 'T' && s[10] != ' ') || !digits(11, 2) || s.size() < 16 || s[13] != ':' ||
            !digits(14, 2))
            return std::nullopt;
        hh = num(11, 2);
        mm = num(14, 2);
        pos = 16;
        if (pos < s.size() && s[pos] == ':') {
            if (!digits(pos + 1, 2))
                return std::nullopt;
            ss = num(pos + 1, 2);
            pos += 3;
        }
        if (pos < s.size() && s[pos] == 'Z')
            pos++;
        if (pos != s.size())
            return std::nullopt;
    }
    int year = num(0, 4), mon = num(5, 2), day = num(8, 2);
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
        return std::nullopt;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, mon, day, hh, mm, ss);
    return std::string(buf);
}

void trim_ipi_frames(std::vector<std::string>& stack) {
    for (size_t i = 0; i < stack.size(); i++) {
        if (frame_function(stack[i]).starts_with("asm_sysvec_")) {
            stack.erase(stack.begin(), stack.begin() + long(i) + 1);
            return;
        }
    }
}

}  // namespace hungtask
