#include "kmsg_record.hpp"

#include <algorithm>
#include <charconv>

#include "host.hpp"
#include "syscalls.hpp"

namespace hungtask {
namespace {

std::optional<int64_t> to_int(const std::string& s, int base = 10) {
    std::string_view v = s;
    bool neg = false;
    if (base == 16 && v.starts_with("0x"))
        v.remove_prefix(2);
    if (base == 10 && v.starts_with("-")) {
        neg = true;
        v.remove_prefix(1);
    }
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n, base);
    if (ec != std::errc() || p != v.data() + v.size() || v.empty())
        return std::nullopt;
    return neg ? -int64_t(n) : int64_t(n);
}

std::optional<int64_t> field_int(const ModuleRecordLine& l, const char* key, int base = 10) {
    auto it = l.fields.find(key);
    return it == l.fields.end() ? std::nullopt : to_int(it->second, base);
}

std::optional<std::string> field_str(const ModuleRecordLine& l, const char* key) {
    auto it = l.fields.find(key);
    if (it == l.fields.end() || it->second.empty())
        return std::nullopt;
    return it->second;
}

Json opt_json(const std::optional<int64_t>& v) {
    return v ? Json(*v) : Json(nullptr);
}
Json opt_json(const std::optional<std::string>& v) {
    return v ? Json(*v) : Json(nullptr);
}

// An unquoted list "a,b,c" (v2 runq_* keys), or a quoted one; empty when absent.
std::vector<std::string> field_list(const ModuleRecordLine& l, const char* key) {
    if (auto q = l.lists.find(key); q != l.lists.end())
        return q->second;
    std::vector<std::string> out;
    auto it = l.fields.find(key);
    if (it == l.fields.end() || it->second.empty())
        return out;
    std::string_view s = it->second;
    while (true) {
        size_t c = s.find(',');
        out.emplace_back(s.substr(0, c));
        if (c == std::string_view::npos)
            break;
        s.remove_prefix(c + 1);
    }
    return out;
}

Json list_int_json(const std::vector<std::string>& v, size_t i) {
    return i < v.size() ? opt_json(to_int(v[i])) : Json(nullptr);
}

// v2 stack lines: frames of the list go to index i=<first> onwards, so a repeated line
// lands on the same places.
void put_frames(std::vector<std::string>& stack, const ModuleRecordLine& l) {
    auto first = field_int(l, "i");
    if (!first || *first < 0 || *first > 4096)
        return;
    auto frames = field_list(l, "fn");
    size_t at = size_t(*first);
    if (stack.size() < at + frames.size())
        stack.resize(at + frames.size());
    for (size_t k = 0; k < frames.size(); k++)
        stack[at + k] = frames[k];
}

void put_host(Host& h, const ModuleRecordLine& l) {
    h.kernel_release = field_str(l, "release");
    h.preemption = field_str(l, "preempt");
    auto known = [](std::optional<int64_t> v) { return v && *v >= 0 ? v : std::nullopt; };
    h.watchdog = known(field_int(l, "watchdog"));
    h.softlockup_panic = known(field_int(l, "softlockup_panic"));
    h.watchdog_thresh = known(field_int(l, "watchdog_thresh"));
    h.hung_task_timeout_secs = known(field_int(l, "hung_task_timeout_secs"));
    h.hung_task_panic = known(field_int(l, "hung_task_panic"));
    if (auto t = field_int(l, "taint", 16))
        h.taint = taint_letters(uint64_t(*t));
    if (auto oot = l.fields.find("oot"); oot != l.fields.end() && oot->second != "?") {
        std::vector<std::string> mods;
        std::string_view s = oot->second;
        while (!s.empty()) {
            size_t c = s.find(',');
            if (c)
                mods.emplace_back(s.substr(0, c));
            s.remove_prefix(c == std::string_view::npos ? s.size() : c + 1);
        }
        h.out_of_tree_modules = std::move(mods);
    }
}

Json task_json(const ModuleRecordLine& l) {
    Json t = Json::object();
    t["pid"] = opt_json(field_int(l, "pid"));
    t["tgid"] = opt_json(field_int(l, "tgid"));
    t["comm"] = opt_json(field_str(l, "comm"));
    t["state"] = opt_json(field_str(l, "state"));
    t["cpu"] = opt_json(field_int(l, "cpu"));
    t["on_cpu"] = field_int(l, "on_cpu").value_or(0) != 0;
    t["on_rq"] = field_int(l, "on_rq").value_or(0) != 0;
    t["policy"] = opt_json(field_int(l, "policy"));
    t["prio"] = opt_json(field_int(l, "prio"));
    t["kthread"] = field_int(l, "kthread").value_or(0) != 0;
    t["runtime_ns"] = opt_json(field_int(l, "runtime_ns"));
    t["since_arrival_ns"] = opt_json(field_int(l, "since_arrival_ns"));
    t["queued_ns"] = opt_json(field_int(l, "queued_ns"));
    t["run_delay_ns"] = opt_json(field_int(l, "run_delay_ns"));
    t["nvcsw"] = opt_json(field_int(l, "nvcsw"));
    t["nivcsw"] = opt_json(field_int(l, "nivcsw"));
    put_symbol(t, t["kthread"].get<bool>() ? field_str(l, "fn") : std::nullopt, "function",
               "module");
    return t;
}

}  // namespace

std::optional<ModuleRecordLine> parse_module_record_line(std::string_view msg) {
    size_t start = msg.find(kModuleRecordPrefix);
    if (start == std::string_view::npos)
        return std::nullopt;
    std::string_view s = msg.substr(start + kModuleRecordPrefix.size());
    ModuleRecordLine out;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out.version);
    if (ec != std::errc() || out.version < 1)
        return std::nullopt;
    s.remove_prefix(size_t(p - s.data()));
    // Tokens: key=value, key="value with spaces", or a bare word (the record name).
    while (!s.empty()) {
        while (!s.empty() && s.front() == ' ')
            s.remove_prefix(1);
        if (s.empty())
            break;
        size_t eq = s.find_first_of("= ");
        if (eq == std::string_view::npos || s[eq] == ' ') {
            std::string_view word = s.substr(0, eq);
            if (out.record.empty())
                out.record = std::string(word);
            s.remove_prefix(eq == std::string_view::npos ? s.size() : eq);
            continue;
        }
        std::string key(s.substr(0, eq));
        s.remove_prefix(eq + 1);
        std::string value;
        if (!s.empty() && s.front() == '"') {
            // "a" or, in v2, a list "a","b": the module never prints a quote inside one.
            std::vector<std::string> items;
            while (true) {
                size_t close = s.find('"', 1);
                if (close == std::string_view::npos)
                    return std::nullopt;  // cut line
                items.emplace_back(s.substr(1, close - 1));
                s.remove_prefix(close + 1);
                if (s.size() < 2 || s[0] != ',' || s[1] != '"')
                    break;
                s.remove_prefix(1);
            }
            value = items.front();
            out.lists[key] = std::move(items);
        } else {
            size_t sp = s.find(' ');
            value = std::string(s.substr(0, sp));
            s.remove_prefix(sp == std::string_view::npos ? s.size() : sp);
        }
        if (key == "seq" && out.seq == 0) {
            auto n = to_int(value);
            if (!n || *n <= 0)
                return std::nullopt;
            out.seq = uint64_t(*n);
            continue;
        }
        out.fields[key] = value;
    }
    if (out.seq == 0 || out.record.empty())
        return std::nullopt;
    return out;
}

void ModuleRecordAssembler::reset() {
    current_.reset();
    hop_ = nullptr;
    hop_index_.clear();
    seq_ = 0;
    version_ = 0;
}

// v2: the fields of the chain entry whose module hop index is l's `key`, or nullptr.
Json* ModuleRecordAssembler::hop_at(const ModuleRecordLine& l, const char* key) {
    auto i = field_int(l, key);
    if (!i || !current_)
        return nullptr;
    for (size_t k = 0; k < hop_index_.size(); k++) {
        if (hop_index_[k] == *i)
            return &current_->chain[k].fields;
    }
    return nullptr;
}

std::optional<Incident> ModuleRecordAssembler::push(std::string_view msg) {
    auto line = parse_module_record_line(msg);
    if (!line || (line->version != 1 && line->version != 2))
        return std::nullopt;
    const ModuleRecordLine& l = *line;
    const bool v2 = l.version == 2;
    if (l.record == "begin") {
        if (current_ && v2 && version_ == 2 && l.seq == seq_)
            return std::nullopt;  // the same line printed again (panic notifier)
        if (current_)
            dropped_++;
        reset();
        current_ = Incident{};
        seq_ = l.seq;
        version_ = l.version;
        Incident& in = *current_;
        in.trigger = Trigger::hung_task;
        in.boot_id = field_str(l, "boot");
        if (in.boot_id == "unknown")
            in.boot_id.reset();
        if (auto ns = field_int(l, "time_ns"))
            in.detected_at = iso8601_utc(*ns / 1000000000);
        in.capture = {{"module_seq", l.seq},
                      {"kmsg_version", l.version},
                      {"capture_ns", opt_json(field_int(l, "capture_ns"))},
                      {"victim_ns", opt_json(field_int(l, "victim_ns"))},
                      {"tasks_walked", opt_json(field_int(l, "tasks_walked"))},
                      {"walk_truncated", field_int(l, "walk_truncated").value_or(0) != 0}};
        return std::nullopt;
    }
    if (!current_)
        return std::nullopt;
    if (l.seq != seq_ || l.version != version_) {
        dropped_++;  // lines of another incident interleaved: this one is incomplete
        reset();
        return std::nullopt;
    }
    Incident& in = *current_;
    if (l.record == "victim") {
        Victim v;
        v.pid = field_int(l, "pid").value_or(0);
        v.comm = field_str(l, "comm").value_or("");
        v.state = field_str(l, "state");
        v.tgid = field_int(l, "tgid");
        v.cpu = field_int(l, "cpu");
        in.victims = {v};
    } else if (l.record == "syscall" && !in.victims.empty()) {
        Victim& v = in.victims[0];
        v.blocked_s = field_int(l, "blocked_s");
        if (auto nr = field_int(l, "nr"); nr && *nr >= 0) {
            // Records without abi= came from modules that decoded every task as x86_64.
            auto abi = field_str(l, "abi");
            v.syscall = syscall_name(abi.value_or("x86_64"), *nr);
            if (abi)
                v.syscall_abi = abi;
        }
        v.path = field_str(l, "path");
        v.cgroup = field_str(l, "cgroup");
    } else if (l.record == "stack_note") {
        if (auto text = field_str(l, "text"); text && !text->empty())
            in.capture["stack_note"] = *text;
    } else if (l.record == "vstack" && !in.victims.empty()) {
        if (v2)
            put_frames(in.victims[0].stack, l);
        else if (auto fn = field_str(l, "fn"))
            in.victims[0].stack.push_back(*fn);
    } else if (l.record == "hop") {
        Hop h;
        h.kind = field_str(l, "kind").value_or("unknown");
        h.verified = field_int(l, "verified").value_or(0) != 0;
        Json& f = h.fields;
        f["reason"] = opt_json(field_str(l, "reason"));
        if (h.kind == "flush_work") {
            f["barrier"] = opt_json(field_str(l, "barrier"));
            f["pwq"] = opt_json(field_str(l, "pwq"));
            f["pool"] = opt_json(field_str(l, "pool"));
            f["pool_cpu"] = opt_json(field_int(l, "pool_cpu"));
            f["pool_id"] = opt_json(field_int(l, "pool_id"));
            f["workqueue"] = opt_json(field_str(l, "wq"));
            f["target"] = opt_json(field_str(l, "target"));
            f["target_state"] = opt_json(field_str(l, "target_state"));
            put_symbol(f, field_str(l, "target_fn"), "target_function", "target_module");
            auto ex = field_int(l, "executing_pid");
            f["executing_pid"] = ex && *ex > 0 ? Json(*ex) : Json(nullptr);
        } else if (h.kind == "worker") {
            f["pool_member"] = field_int(l, "pool_member").value_or(0) != 0;
            f["runs_target"] = field_int(l, "runs_target").value_or(0) != 0;
            f["task"] = v2 ? task_json(l) : Json(nullptr);
        } else if (h.kind == "cpu") {
            f["cpu"] = opt_json(field_int(l, "cpu"));
            f["hog_source"] = opt_json(field_str(l, "hog_source"));
            f["hog"] = nullptr;
            f["hog_stack"] = Json::array();
            f["stack_note"] = opt_json(field_str(l, "stack_note"));
            f["ipi_ns"] = opt_json(field_int(l, "ipi_ns"));
            f["runq"] = Json::array();
            f["runq_total"] = opt_json(field_int(l, "runq_total"));
            f["runq_truncated"] = field_int(l, "runq_truncated").value_or(0) != 0;
            if (v2) {
                auto pid = field_list(l, "runq_pid");
                auto comm = field_list(l, "runq_comm");
                auto state = field_list(l, "runq_state");
                auto queued = field_list(l, "runq_queued_ns");
                for (size_t r = 0; r < pid.size(); r++) {
                    f["runq"].push_back(
                        {{"pid", list_int_json(pid, r)},
                         {"comm", r < comm.size() ? Json(comm[r]) : Json(nullptr)},
                         {"state", r < state.size() ? Json(state[r]) : Json(nullptr)},
                         {"queued_ns", list_int_json(queued, r)}});
                }
            }
        }
        if (v2) {
            // A hop line printed twice replaces itself.
            int64_t index = field_int(l, "i").value_or(-1);
            auto at = std::find(hop_index_.begin(), hop_index_.end(), index);
            if (at != hop_index_.end()) {
                size_t c = size_t(at - hop_index_.begin());
                in.chain[c] = std::move(h);
                hop_ = &in.chain[c].fields;
                return std::nullopt;
            }
            hop_index_.push_back(index);
        }
        in.chain.push_back(std::move(h));
        hop_ = &in.chain.back().fields;
    } else if (l.record == "worker" && hop_) {
        (*hop_)["task"] = task_json(l);
    } else if (l.record == "hog" && v2) {
        if (Json* hop = hop_at(l, "hop"))
            (*hop)["hog"] = task_json(l);
    } else if (l.record == "hogstack" && v2) {
        Json* hop = hop_at(l, "hop");
        if (hop && hop->contains("hog_stack") && (*hop)["hog_stack"].is_array()) {
            auto frames = (*hop)["hog_stack"].get<std::vector<std::string>>();
            put_frames(frames, l);
            (*hop)["hog_stack"] = frames;
        }
    } else if (l.record == "hog" && hop_) {
        (*hop_)["hog"] = task_json(l);
    } else if (l.record == "hogstack" && hop_) {
        if (auto fn = field_str(l, "fn"))
            (*hop_)["hog_stack"].push_back(*fn);
    } else if (l.record == "runq" && hop_) {
        (*hop_)["runq"].push_back({{"pid", opt_json(field_int(l, "pid"))},
                                   {"comm", opt_json(field_str(l, "comm"))},
                                   {"state", opt_json(field_str(l, "state"))},
                                   {"queued_ns", opt_json(field_int(l, "queued_ns"))}});
    } else if (l.record == "host") {
        put_host(in.host, l);
    } else if (l.record == "end") {
        if (v2) {
            put_host(in.host, l);
            in.capture["kmsg_truncated"] = field_int(l, "truncated").value_or(0) != 0;
            // A frame lost to a cut line leaves a hole: keep only what is contiguous.
            for (auto& v : in.victims) {
                auto hole = std::find(v.stack.begin(), v.stack.end(), std::string());
                v.stack.erase(hole, v.stack.end());
            }
        }
        for (auto& hop : in.chain) {
            if (hop.kind != "cpu")
                continue;
            auto frames = hop.fields["hog_stack"].get<std::vector<std::string>>();
            frames.erase(std::find(frames.begin(), frames.end(), std::string()), frames.end());
            trim_ipi_frames(frames);
            hop.fields["hog_stack"] = frames;
        }
        Incident done = std::move(in);
        reset();
        return done;
    }
    return std::nullopt;
}

}  // namespace hungtask
