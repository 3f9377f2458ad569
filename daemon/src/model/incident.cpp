#include "model/incident.hpp"

#include "model/fingerprint.hpp"
#include "model/frames.hpp"
#include "model/iso_time.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <initializer_list>

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

// The members of `obj` not in `known`: a newer producer's, kept to be written back.
Json extras(const Json& obj, std::initializer_list<std::string_view> known) {
    Json out = Json::object();
    for (auto it = obj.begin(); obj.is_object() && it != obj.end(); ++it)
        if (std::find(known.begin(), known.end(), std::string_view(it.key())) == known.end())
            out[it.key()] = it.value();
    return out;
}

// Appends the kept unknown members after the known ones (a known one is never replaced).
void put_extra(Json& j, const Json& extra) {
    for (auto it = extra.begin(); extra.is_object() && it != extra.end(); ++it)
        if (!j.contains(it.key()))
            j[it.key()] = it.value();
}

void list_extra(std::vector<std::string>& out, const std::string& path, const Json& extra) {
    for (auto it = extra.begin(); extra.is_object() && it != extra.end(); ++it)
        out.push_back(path.empty() ? it.key() : path + "." + it.key());
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
    v.extra = extras(j, {"pid", "comm", "state", "blocked_s", "syscall", "stack", "tgid", "ppid",
                         "workqueue", "stack_unreliable", "path", "cgroup", "cpu", "syscall_abi"});
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
        // A kind of a newer producer is kept as it was, never an error.
        auto k = verdict_kind_from_string(kind);
        v.kind = k.value_or(VerdictKind::other);
        if (!k)
            v.kind_name = kind;
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
            cu.extra = extras(*c, {"pid", "comm", "function", "module"});
            v.culprit = cu;
        }
    }
    v.summary = r.str(j, path, "summary");
    // The extras are optional (records written before they existed lack them) but
    // type-checked when present.
    if (const Json* c = r.member(j, path, "confidence", false); c && !c->is_null()) {
        auto k = c->is_string() ? confidence_from_string(c->get<std::string>()) : std::nullopt;
        if (k)
            v.confidence = *k;
        else if (c->is_string())
            v.confidence_name = c->get<std::string>();  // a newer producer's: kept
        else
            r.fail(path + ".confidence", "expected a string or null");
    }
    v.evidence = r.str_array(j, path, "evidence", false);
    v.next_steps = r.str_array(j, path, "next_steps", false);
    v.extra = extras(j, {"kind", "culprit", "summary", "confidence", "evidence", "next_steps"});
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
    h.extra = extras(j, {"kernel_release", "preemption", "watchdog", "softlockup_panic",
                         "hung_task_timeout_secs", "hung_task_panic", "watchdog_thresh", "taint",
                         "out_of_tree_modules"});
    return h;
}

}  // namespace

std::string_view to_string(Trigger t) {
    for (auto& [k, s] : kTriggers) {
        if (k == t)
            return s;
    }
    return "unknown";
}

std::string_view to_string(VerdictKind k) {
    for (auto& [kind, s] : kVerdictKinds) {
        if (kind == k)
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
            {"path", opt(v.path)},
            {"cgroup", opt(v.cgroup)},
            {"cpu", opt(v.cpu)},
            {"syscall_abi", opt(v.syscall_abi)},
        };
        put_extra(jv, v.extra);
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
        put_extra(culprit, c.extra);
    }
    Json sample = nullptr;
    if (in.victim_sample) {
        sample = Json::array();
        for (const auto& sv : *in.victim_sample)
            sample.push_back({{"pid", sv.pid}, {"comm", sv.comm}});
    }
    Json oot = nullptr;
    if (in.host.out_of_tree_modules)
        oot = *in.host.out_of_tree_modules;
    Json confidence = in.verdict.confidence_name ? Json(*in.verdict.confidence_name)
                      : in.verdict.confidence    ? Json(to_string(*in.verdict.confidence))
                                                 : Json(nullptr);
    Json j{
        {"schema_version", kSchemaVersion},
        {"id", in.id},
        {"boot_id", opt(in.boot_id)},
        {"seq", in.seq},
        {"detected_at", opt(in.detected_at)},
        {"trigger", trigger_name(in)},
        {"victims", std::move(victims)},
        {"chain", std::move(chain)},
        {"verdict",
         {{"kind", verdict_kind_name(in.verdict)},
          {"culprit", std::move(culprit)},
          {"summary", in.verdict.summary},
          {"confidence", std::move(confidence)},
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
        {"related", in.related},
        {"victim_count", opt(in.victim_count)},
        {"victim_sample", std::move(sample)},
        {"fingerprint",
         {{"hash", chain_fingerprint(in)},
          {"first_seen", in.fingerprint_seen ? Json(in.fingerprint_seen->first_seen) : Json()},
          {"last_seen", in.fingerprint_seen ? Json(in.fingerprint_seen->last_seen) : Json()},
          {"count", in.fingerprint_seen ? Json(in.fingerprint_seen->count) : Json()}}},
    };
    put_extra(j["verdict"], in.verdict.extra);
    put_extra(j["host"], in.host.extra);
    put_extra(j, in.extra);
    return j;
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
    if (const Json* sv = r.member(j, root, "schema_version", false);
        sv && !(sv->is_number_integer() && sv->get<int64_t>() >= 1))
        r.fail("schema_version", "expected a positive integer");
    std::string trig = r.str(j, root, "trigger");
    if (!r.error) {
        // A trigger of a newer producer is kept as it was, never an error.
        auto t = trigger_from_string(trig);
        in.trigger = t.value_or(Trigger::other);
        if (!t)
            in.trigger_name = trig;
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
    in.related = r.str_array(j, root, "related", false);
    in.victim_count = r.opt_int(j, root, "victim_count", false);
    if (!r.error && in.victim_count && *in.victim_count < 1)
        r.fail("victim_count", "must be at least 1");
    if (const Json* vs = r.member(j, root, "victim_sample", false); vs && !vs->is_null()) {
        if (!vs->is_array()) {
            r.fail("victim_sample", "expected an array or null");
        } else {
            std::vector<SampleVictim> sample;
            for (size_t i = 0; i < vs->size() && !r.error; i++) {
                std::string p = "victim_sample[" + std::to_string(i) + "]";
                SampleVictim sv;
                sv.pid = r.opt_int((*vs)[i], p, "pid").value_or(0);
                sv.comm = r.str((*vs)[i], p, "comm");
                sample.push_back(std::move(sv));
            }
            in.victim_sample = std::move(sample);
        }
    }
    // The hash is recomputed from the chain; the counts are the store's, read as shown.
    if (const Json* fp = r.member(j, root, "fingerprint", false);
        fp && fp->is_object() && fp->contains("count") && (*fp)["count"].is_number_integer() &&
        fp->contains("first_seen") && (*fp)["first_seen"].is_string() &&
        fp->contains("last_seen") && (*fp)["last_seen"].is_string())
        in.fingerprint_seen = FingerprintSeen{(*fp)["first_seen"].get<std::string>(),
                                              (*fp)["last_seen"].get<std::string>(),
                                              (*fp)["count"].get<int64_t>()};
    in.extra = extras(j, {"schema_version", "id", "boot_id", "seq", "detected_at", "trigger",
                          "victims", "chain", "verdict", "host", "source", "repeats", "panicked",
                          "first_seen_uptime_s", "last_seen_uptime_s", "capture", "related",
                          "victim_count", "victim_sample", "fingerprint"});
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

std::string trigger_name(const Incident& in) {
    return in.trigger == Trigger::other ? in.trigger_name : std::string(to_string(in.trigger));
}

std::string verdict_kind_name(const Verdict& v) {
    return v.kind == VerdictKind::other ? v.kind_name : std::string(to_string(v.kind));
}

std::string trigger_display(const Incident& in) {
    return trigger_name(in) + (in.trigger == Trigger::other ? " (unknown to this hungtaskd)" : "");
}

std::string verdict_kind_display(const Verdict& v) {
    return verdict_kind_name(v) +
           (v.kind == VerdictKind::other ? " (unknown to this hungtaskd)" : "");
}

std::vector<std::string> unknown_fields(const Incident& in) {
    std::vector<std::string> out;
    list_extra(out, "", in.extra);
    for (size_t i = 0; i < in.victims.size(); i++)
        list_extra(out, "victims[" + std::to_string(i) + "]", in.victims[i].extra);
    for (size_t i = 0; i < in.chain.size(); i++) {
        Hop known = in.chain[i];
        known.extra = Json::object();
        json_unknown_paths(out, "chain[" + std::to_string(i) + "]", in.chain[i].extra,
                           to_json(known));
    }
    list_extra(out, "verdict", in.verdict.extra);
    if (in.verdict.culprit)
        list_extra(out, "verdict.culprit", in.verdict.culprit->extra);
    list_extra(out, "host", in.host.extra);
    return out;
}

std::optional<std::string> blocked_in(const Victim& victim) {
    return blocked_in(victim.stack);
}

}  // namespace hungtask
