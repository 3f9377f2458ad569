#include "report/report.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <string_view>

#include "explain/explain.hpp"
#include "model/frames.hpp"

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
    if (!c->comm && !c->pid && !c->function && c->module)
        return "module " + *c->module;  // code, not a task: a deadlock's or a driver's
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

constexpr size_t kWidth = 100;

// Writes `words` wrapped at kWidth columns: the first line continues one already
// `first_col` wide, the others start with `indent`.  A word longer than a line (a stack
// frame) is not cut.
void wrap(std::ostream& out, const std::string& words, size_t first_col,
          const std::string& indent) {
    size_t col = first_col;
    bool line_empty = true;
    size_t i = 0;
    while (i < words.size()) {
        size_t end = words.find(' ', i);
        if (end == std::string::npos)
            end = words.size();
        std::string_view word(words.data() + i, end - i);
        i = end + 1;
        if (word.empty())
            continue;
        if (!line_empty && col + 1 + word.size() > kWidth) {
            out << "\n" << indent;
            col = indent.size();
            line_empty = true;
        }
        if (!line_empty) {
            out << ' ';
            col++;
        }
        out << word;
        col += word.size();
        line_empty = false;
    }
    out << "\n";
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
             << pad(verdict_kind_name(in.verdict), 19) << " " << culprit_text(in.verdict.culprit)
             << "\n";
    }
}

void TextReport::write_incident(const Incident& in) {
    const std::string hang = "             ";  // under the values of "  Verdict:   "
    out_ << "Incident " << in.id << " (" << trigger_display(in) << ")\n";
    out_ << "  Verdict:   " << verdict_kind_display(in.verdict);
    if (in.verdict.confidence)
        out_ << " (confidence " << to_string(*in.verdict.confidence) << ")";
    else if (in.verdict.confidence_name)
        out_ << " (confidence " << *in.verdict.confidence_name << ", unknown to this hungtaskd)";
    out_ << "\n";
    if (!in.verdict.summary.empty()) {
        out_ << "  Summary:   ";
        wrap(out_, in.verdict.summary, hang.size(), hang);
    }
    out_ << "  Culprit:   "
         << (in.verdict.culprit ? culprit_text(in.verdict.culprit) : "none proven") << "\n";
    if (!in.related.empty()) {  // report/related.hpp
        std::string ids;
        for (const auto& other : in.related)
            ids += (ids.empty() ? "" : ", ") + other;
        out_ << "  Related:   ";
        wrap(out_, "same root cause as incident " + ids, hang.size(), hang);
    }
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
    if (auto unknown = unknown_fields(in); !unknown.empty()) {
        out_ << "  Unknown:   fields of a newer producer, kept:";
        for (const auto& f : unknown)
            out_ << " " << f;
        out_ << "\n";
    }

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
        out_ << "  Syscall:    " << v.syscall.value_or("none known (kernel thread, or not shown)");
        if (v.syscall && v.syscall_abi && *v.syscall_abi != "x86_64")
            out_ << " (" << *v.syscall_abi << " ABI)";
        out_ << "\n";
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
    if (in.capture.is_object() && in.capture.contains("stack_note") &&
        in.capture["stack_note"].is_string())
        out_ << "  Not read:   stack of " << in.capture["stack_note"].get<std::string>() << "\n";

    if (in.chain.empty()) {
        out_ << "\nChain: none captured\n";
    } else {
        out_ << "\nChain (victim first):\n";
        for (size_t i = 0; i < in.chain.size(); i++)
            render_hop(out_, i + 1, in.chain[i]);
    }

    if (!in.verdict.evidence.empty()) {
        out_ << "\nEvidence:\n";
        for (const auto& line : in.verdict.evidence) {
            out_ << "  - ";
            wrap(out_, line, 4, "    ");
        }
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
        for (const auto& line : implications) {
            out_ << "  - ";
            wrap(out_, line, 4, "    ");
        }
    }
    if (!in.verdict.next_steps.empty()) {
        out_ << "\nWhat to do next:\n";
        for (size_t i = 0; i < in.verdict.next_steps.size(); i++) {
            std::string num = "  " + std::to_string(i + 1) + ". ";
            out_ << num;
            wrap(out_, in.verdict.next_steps[i], num.size(), std::string(num.size(), ' '));
        }
    }
}

void JsonReport::write_list(const std::vector<Incident>& incidents) {
    out_ << dump_json(to_json(newest_first(incidents))) << "\n";
}

void JsonReport::write_incident(const Incident& incident) {
    out_ << dump_json(to_json(std::vector<Incident>{incident})) << "\n";
}

}  // namespace hungtask
