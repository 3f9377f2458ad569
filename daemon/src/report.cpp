#include "report.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "explain.hpp"

namespace hungtask {

namespace {

std::string or_unknown(const std::optional<std::string>& v) {
    return v ? *v : "unknown";
}
std::string or_unknown(const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : "unknown";
}

std::string pad(std::string s, size_t width) {
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string victim_short(const Incident& in) {
    if (in.victims.empty())
        return "-";
    const Victim& v = in.victims[0];
    std::string s = v.comm + "[" + std::to_string(v.pid) + "]";
    if (in.victims.size() > 1)
        s += " +" + std::to_string(in.victims.size() - 1);
    return s;
}

std::string culprit_text(const std::optional<Culprit>& c) {
    if (!c)
        return "-";
    std::string s;
    if (c->comm)
        s += *c->comm;
    if (c->pid)
        s += "[" + std::to_string(*c->pid) + "]";
    if (c->function)
        s += (s.empty() ? "" : " in ") + *c->function;
    if (c->module)
        s += " [" + *c->module + "]";
    return s.empty() ? "-" : s;
}

std::string json_scalar(const Json& v) {
    return v.is_string() ? v.get<std::string>() : dump_json(v, -1);
}

std::string format_uptime(double s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", s);
    return buf;
}

std::string taint_text(const std::optional<std::string>& taint) {
    if (!taint)
        return "unknown";
    if (taint->empty())
        return "not tainted";
    std::string s = *taint;
    if (taint->find('O') != std::string::npos)
        s += " (O: out-of-tree module loaded)";
    return s;
}

std::string ms(const Json& ns) {
    if (!ns.is_number())
        return "?";
    char buf[32];
    double v = ns.get<double>() / 1e6;
    if (v >= 1000)
        std::snprintf(buf, sizeof(buf), "%.1f s", v / 1000);
    else
        std::snprintf(buf, sizeof(buf), "%.1f ms", v);
    return buf;
}

std::string text(const Json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || j[key].is_null())
        return "?";
    return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string sym(const Json& j, const char* fn, const char* mod) {
    std::string s = text(j, fn);
    if (j.is_object() && j.contains(mod) && j[mod].is_string())
        s += " [" + j[mod].get<std::string>() + "]";
    return s;
}

std::string task_line(const Json& t) {
    std::string s = text(t, "comm") + " (pid " + text(t, "pid") + ", CPU " + text(t, "cpu") +
                    ", state " + text(t, "state");
    if (t.is_object() && t.value("kthread", false))
        s += ", kthread " + sym(t, "function", "module");
    return s + ")";
}

// One hop, in words first, then its evidence.
void render_hop(std::ostream& out, size_t n, const Hop& h) {
    const Json& f = h.fields;
    out << "  " << n << ". " << h.kind << (h.verified ? " (verified)" : " [unverified]");
    if (h.kind == "flush_work") {
        out << ": waits for work " << sym(f, "target_function", "target_module") << " ("
            << text(f, "target_state") << ") on workqueue " << text(f, "workqueue") << ", pool "
            << text(f, "pool_id") << " of CPU " << text(f, "pool_cpu") << "\n";
        out << "       barrier " << text(f, "barrier") << ", pwq " << text(f, "pwq") << ", pool "
            << text(f, "pool");
        if (f.contains("executing_pid") && f["executing_pid"].is_number())
            out << ", executing worker pid " << f["executing_pid"].get<int64_t>();
        out << "\n";
    } else if (h.kind == "worker") {
        const Json& t = f.contains("task") ? f["task"] : Json();
        out << ": " << task_line(t)
            << (f.value("runs_target", false) ? " runs the work" : " must run it") << "\n";
        out << "       on CPU now: " << (t.is_object() && t.value("on_cpu", false) ? "yes" : "no")
            << ", on a runqueue: " << (t.is_object() && t.value("on_rq", false) ? "yes" : "no")
            << ", waiting " << ms(t.is_object() ? t["queued_ns"] : Json()) << ", last ran "
            << ms(t.is_object() ? t["since_arrival_ns"] : Json()) << " ago\n";
    } else if (h.kind == "cpu") {
        const Json& hog = f.contains("hog") ? f["hog"] : Json();
        out << ": CPU " << text(f, "cpu") << " is held by " << task_line(hog) << "\n";
        if (hog.is_object())
            out << "       on the CPU for " << ms(hog["since_arrival_ns"]) << ", runtime "
                << ms(hog["runtime_ns"]) << ", voluntary switches " << text(hog, "nvcsw")
                << ", involuntary " << text(hog, "nivcsw") << ", policy " << text(hog, "policy")
                << " prio " << text(hog, "prio") << "\n";
        if (f.contains("hog_stack") && f["hog_stack"].is_array() && !f["hog_stack"].empty()) {
            out << "       where it runs (stack taken on CPU " << text(f, "cpu") << "):\n";
            for (const auto& fr : f["hog_stack"])
                out << "         " << (fr.is_string() ? fr.get<std::string>() : fr.dump()) << "\n";
        } else if (f.contains("stack_note") && f["stack_note"].is_string()) {
            out << "       no stack: " << f["stack_note"].get<std::string>() << "\n";
        }
        if (f.contains("runq") && f["runq"].is_array() && !f["runq"].empty()) {
            out << "       waiting in its runqueue (" << text(f, "runq_total") << "):";
            for (const auto& w : f["runq"])
                out << " " << text(w, "comm") << "[" << text(w, "pid") << "] " << ms(w["queued_ns"])
                    << ";";
            if (f.value("runq_truncated", false))
                out << " (list cut at the walk limit)";
            out << "\n";
        }
    } else {
        for (auto it = f.begin(); it != f.end(); ++it)
            out << " " << it.key() << "=" << json_scalar(it.value());
        out << "\n";
    }
    if (f.contains("reason") && f["reason"].is_string())
        out << "       note: " << f["reason"].get<std::string>() << "\n";
}

}  // namespace

std::vector<Incident> newest_first(std::vector<Incident> v) {
    std::stable_sort(v.begin(), v.end(), [](const Incident& a, const Incident& b) {
        if (a.detected_at.has_value() != b.detected_at.has_value())
            return a.detected_at.has_value();
        if (a.detected_at != b.detected_at)
            return *a.detected_at > *b.detected_at;
        if (a.boot_id != b.boot_id)
            return a.boot_id > b.boot_id;
        return a.seq > b.seq;
    });
    return v;
}

void TextReport::write_list(const std::vector<Incident>& incidents) {
    out_ << pad("DETECTED", 21) << " " << pad("ID", 16) << " " << pad("BOOT", 8) << " "
         << pad("VICTIM", 24) << " " << pad("VERDICT", 19) << " CULPRIT\n";
    for (const auto& in : newest_first(incidents)) {
        std::string boot = in.boot_id ? in.boot_id->substr(0, 8) : "-";
        out_ << pad(in.detected_at.value_or("-"), 21) << " " << pad(in.id, 16) << " "
             << pad(boot, 8) << " " << pad(victim_short(in), 24) << " "
             << pad(std::string(to_string(in.verdict.kind)), 19) << " "
             << culprit_text(in.verdict.culprit) << "\n";
    }
}

void TextReport::write_incident(const Incident& in) {
    out_ << "Incident " << in.id << " (" << to_string(in.trigger) << ")\n";
    out_ << "  Verdict:   " << to_string(in.verdict.kind) << ": " << in.verdict.summary << "\n";
    out_ << "  Culprit:   "
         << (in.verdict.culprit ? culprit_text(in.verdict.culprit) : "none proven") << "\n";
    out_ << "  Detected:  " << in.detected_at.value_or("unknown time");
    if (in.first_seen_uptime_s)
        out_ << " (uptime " << format_uptime(*in.first_seen_uptime_s) << " s)";
    out_ << "\n";
    out_ << "  Boot:      " << in.boot_id.value_or("unknown") << ", seq " << in.seq << "\n";
    out_ << "  Source:    " << (in.source.empty() ? "unknown" : in.source) << ", reported "
         << in.repeats << (in.repeats == 1 ? " time" : " times");
    if (in.last_seen_uptime_s && in.repeats > 1)
        out_ << ", last at uptime " << format_uptime(*in.last_seen_uptime_s) << " s";
    out_ << "\n";
    if (in.panicked)
        out_ << "  Panic:     the kernel panicked after this report (hung_task_panic)\n";

    for (size_t i = 0; i < in.victims.size(); i++) {
        const Victim& v = in.victims[i];
        out_ << "\nVictim" << (in.victims.size() > 1 ? " " + std::to_string(i + 1) : "") << ": "
             << v.comm << " (pid " << v.pid;
        if (v.tgid && *v.tgid != v.pid)
            out_ << ", tgid " << *v.tgid;
        if (v.ppid)
            out_ << ", ppid " << *v.ppid;
        out_ << ")\n";
        out_ << "  State:      " << v.state.value_or("unknown");
        if (v.blocked_s)
            out_ << ", blocked for more than " << *v.blocked_s << " s";
        out_ << "\n";
        out_ << "  Syscall:    " << v.syscall.value_or("none known (kernel thread, or not shown)")
             << "\n";
        out_ << "  Blocked in: " << blocked_in(v).value_or("unknown") << "\n";
        if (v.workqueue)
            out_ << "  Workqueue:  " << *v.workqueue << "\n";
        if (v.stack.empty()) {
            out_ << "  Stack:      not captured\n";
        } else {
            out_ << "  Stack:\n";
            for (const auto& f : v.stack)
                out_ << "    " << f << "\n";
        }
        if (!v.stack_unreliable.empty())
            out_ << "  (" << v.stack_unreliable.size()
                 << " unreliable \"?\" frames left out: stale stack words, hints only)\n";
    }

    if (in.chain.empty()) {
        out_ << "\nChain: none captured\n";
    } else {
        out_ << "\nChain (victim first):\n";
        for (size_t i = 0; i < in.chain.size(); i++)
            render_hop(out_, i + 1, in.chain[i]);
    }

    const Host& h = in.host;
    out_ << "\nHost:\n";
    out_ << "  kernel release:         " << or_unknown(h.kernel_release) << "\n";
    out_ << "  preemption:             " << or_unknown(h.preemption) << "\n";
    out_ << "  kernel.watchdog:        " << or_unknown(h.watchdog) << "\n";
    out_ << "  softlockup_panic:       " << or_unknown(h.softlockup_panic) << "\n";
    out_ << "  hung_task_timeout_secs: " << or_unknown(h.hung_task_timeout_secs) << "\n";
    out_ << "  hung_task_panic:        " << or_unknown(h.hung_task_panic) << "\n";
    out_ << "  taint:                  " << taint_text(h.taint) << "\n";
    out_ << "  out-of-tree modules:    ";
    if (!h.out_of_tree_modules) {
        out_ << "unknown";
    } else if (h.out_of_tree_modules->empty()) {
        out_ << "none";
    } else {
        for (size_t i = 0; i < h.out_of_tree_modules->size(); i++)
            out_ << (i ? ", " : "") << (*h.out_of_tree_modules)[i];
    }
    out_ << "\n";
    auto implications = host_implications(h);
    if (!implications.empty()) {
        out_ << "\nWhat the host context implies:\n";
        for (const auto& line : implications)
            out_ << "  - " << line << "\n";
    }
}

void JsonReport::write_list(const std::vector<Incident>& incidents) {
    out_ << dump_json(to_json(newest_first(incidents))) << "\n";
}

void JsonReport::write_incident(const Incident& incident) {
    out_ << dump_json(to_json(std::vector<Incident>{incident})) << "\n";
}

}  // namespace hungtask
