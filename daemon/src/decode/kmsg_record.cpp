#include "decode/kmsg_record.hpp"

#include <algorithm>
#include <charconv>

#include "decode/syscalls.hpp"
#include "model/iso_time.hpp"
#include "model/taint.hpp"

namespace hungtask {
namespace {

using namespace kmsg;

Json opt_json(const std::optional<int64_t>& v) {
    return v ? Json(*v) : Json(nullptr);
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

// The coalescing keys of a "victims" or "update" line (module/kmsg.c):
// first_seq=N instance=HEX count=K sample="pid:comm",...
void put_victims(Incident& in, const ModuleRecordLine& l) {
    if (auto first = field_int(l, "first_seq"); first && *first > 0)
        in.capture["first_seq"] = uint64_t(*first);
    if (auto inst = field_str(l, "instance"))
        in.capture["instance_id"] = *inst;
    in.victim_count = field_int(l, "count");
    // A count below 1 is not a count (the store refuses it): the field is dropped.
    if (in.victim_count && *in.victim_count < 1)
        in.victim_count.reset();
    std::vector<SampleVictim> sample;
    for (const std::string& item : field_list(l, "sample")) {
        size_t colon = item.find(':');
        if (colon == std::string::npos)
            continue;
        auto pid = to_int(item.substr(0, colon));
        sample.push_back({pid.value_or(0), item.substr(colon + 1)});
    }
    if (in.victim_count)
        in.victim_sample = std::move(sample);
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
    hop_.reset();
    hop_index_.clear();
    seq_ = 0;
    version_ = 0;
}

// v2: the chain entry whose module hop index is l's `key`, or nullptr.
Hop* ModuleRecordAssembler::hop_at(const ModuleRecordLine& l, const char* key) {
    auto i = field_int(l, key);
    if (!i || !current_)
        return nullptr;
    for (size_t k = 0; k < hop_index_.size(); k++) {
        if (hop_index_[k] == *i)
            return &current_->chain[k];
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
        // v2 names its trigger (hung_task, or cpu_hog from the hog sampler).
        if (auto t = field_str(l, "trigger"); t && *t == "cpu_hog")
            in.trigger = Trigger::cpu_hog;
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
    if (l.record == "update" && v2) {
        // A coalesced incident sent again with more victims: one line, no begin/end.
        Incident up;
        up.trigger = Trigger::hung_task;
        up.capture = {{"module_seq", l.seq}, {"kmsg_version", l.version}};
        put_victims(up, l);
        if (!up.capture.contains("first_seq"))
            return std::nullopt;
        return up;
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
    } else if (l.record == "victims") {
        put_victims(in, l);
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
        Hop h = hop_from_kmsg(l, v2);
        if (v2) {
            // A hop line printed twice replaces itself.
            int64_t index = field_int(l, "i").value_or(-1);
            auto at = std::find(hop_index_.begin(), hop_index_.end(), index);
            if (at != hop_index_.end()) {
                size_t c = size_t(at - hop_index_.begin());
                in.chain[c] = std::move(h);
                hop_ = c;
                return std::nullopt;
            }
            hop_index_.push_back(index);
        }
        in.chain.push_back(std::move(h));
        hop_ = in.chain.size() - 1;
    } else if (v2 && l.fields.contains("hop") && l.record != "host" && l.record != "end") {
        // v2: a later line of a hop names it (hog, hogstack).
        if (Hop* hop = hop_at(l, "hop"))
            hop_add_kmsg(*hop, l, v2);
    } else if (hop_ && l.record != "host" && l.record != "end") {
        // v1: the lines after a hop line belong to it (worker, hog, hogstack, runq).
        hop_add_kmsg(in.chain[*hop_], l, v2);
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
        for (auto& hop : in.chain)
            hop_end_kmsg(hop);
        Incident done = std::move(in);
        reset();
        return done;
    }
    return std::nullopt;
}

}  // namespace hungtask
