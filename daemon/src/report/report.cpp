#include "report/report.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <string_view>

#include "cli/time_range.hpp"
#include "explain/explain.hpp"
#include "model/fingerprint.hpp"
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

}  // namespace

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

namespace {

std::string format_uptime(double s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", s);
    return buf;
}

// The kernel's taint flags (kernel/panic.c taint_flags[], Documentation/admin-guide/
// tainted-kernels.rst), by the letter /proc/sys/kernel/tainted's string shows.
const char* taint_meaning(char c) {
    switch (c) {
        case 'P':
            return "proprietary module loaded";
        case 'F':
            return "module force-loaded";
        case 'S':
            return "kernel running on an out-of-spec system";
        case 'R':
            return "module force-unloaded";
        case 'M':
            return "machine check exception occurred";
        case 'B':
            return "bad page referenced or unexpected page flags";
        case 'U':
            return "taint requested by user space";
        case 'D':
            return "kernel died recently (OOPS or BUG)";
        case 'A':
            return "ACPI table overridden by user";
        case 'W':
            return "kernel issued a warning";
        case 'C':
            return "staging driver loaded";
        case 'I':
            return "workaround for a platform firmware bug applied";
        case 'O':
            return "out-of-tree module loaded";
        case 'E':
            return "unsigned module loaded";
        case 'L':
            return "soft lockup occurred";
        case 'K':
            return "kernel live-patched";
        case 'X':
            return "auxiliary taint (distribution-defined)";
        case 'T':
            return "kernel built with the struct randomization plugin";
        case 'N':
            return "in-kernel test run (kunit)";
        default:
            return nullptr;
    }
}

std::string taint_text(const std::optional<std::string>& taint) {
    if (!taint)
        return "unknown";
    if (taint->empty())
        return "not tainted";
    std::string s = *taint, why;
    for (char c : *taint) {
        if (const char* m = taint_meaning(c))
            why += std::string(why.empty() ? "" : "; ") + c + ": " + m;
    }
    if (!why.empty())
        s += " (" + why + ")";
    return s;
}

// A word that must stay with the next one: "pid 181", "(pid 181)", "CPU 1".
bool glues_to_next(std::string_view w) {
    while (!w.empty() && (w.front() == '(' || w.front() == '['))
        w.remove_prefix(1);
    return w == "pid" || w == "tgid" || w == "ppid" || w == "CPU" || w == "cpu" || w == "seq";
}

// Writes one line that may be longer than `width`, wrapped, continuing under its own
// indentation plus four columns.
void wrap_line(std::ostream& out, const std::string& line, size_t width) {
    if (line.size() <= width) {
        out << line << "\n";
        return;
    }
    size_t lead = line.find_first_not_of(' ');
    if (lead == std::string::npos)
        lead = 0;
    std::string indent(std::min<size_t>(lead + 4, width / 2), ' ');
    out << line.substr(0, lead);
    wrap_words(out, line.substr(lead), lead, indent, width);
}

}  // namespace

void wrap_words(std::ostream& out, const std::string& words, size_t first_col,
                const std::string& indent, size_t width) {
    size_t col = first_col;
    bool line_empty = true;
    size_t i = 0;
    while (i < words.size()) {
        size_t end = words.find(' ', i);
        while (end != std::string::npos &&
               glues_to_next(std::string_view(words).substr(i, end - i)) &&
               end + 1 < words.size() && words[end + 1] != ' ')
            end = words.find(' ', end + 1);
        if (end == std::string::npos)
            end = words.size();
        std::string_view word(words.data() + i, end - i);
        i = end + 1;
        if (word.empty())
            continue;
        if (!line_empty && col + 1 + word.size() > width) {
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

std::string wrap_text(const std::string& text, size_t width) {
    std::ostringstream out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() <= width) {
            out << line << "\n";
            continue;
        }
        size_t lead = line.find_first_not_of(' ');
        if (lead == std::string::npos)
            lead = 0;
        // "  Label:   value": the value's column, when the label is short.
        size_t indent = lead + 4;
        size_t colon = line.find(": ", lead);
        if (colon < 32 && line.find_first_of("()[]", lead) > colon) {
            size_t value = line.find_first_not_of(' ', colon + 1);
            if (value != std::string::npos && value <= width / 2)
                indent = value;
        }
        indent = std::min(indent, width / 2);
        size_t first = indent == lead + 4 ? lead : indent;
        out << line.substr(0, first);
        wrap_words(out, line.substr(first), first, std::string(indent, ' '), width);
    }
    return out.str();
}

namespace {
void wrap(std::ostream& out, const std::string& words, size_t first_col, const std::string& indent,
          size_t width) {
    wrap_words(out, words, first_col, indent, width);
}
}  // namespace

std::optional<int64_t> incident_time(const Incident& in,
                                     const std::map<std::string, std::string>& stored_at) {
    if (in.detected_at) {
        if (auto t = parse_record_time(*in.detected_at))
            return t;
    }
    auto it = stored_at.find(in.id);
    if (it != stored_at.end())
        return parse_record_time(it->second);
    return std::nullopt;
}

std::vector<Incident> newest_first(std::vector<Incident> incidents,
                                   const std::map<std::string, std::string>& stored_at) {
    std::vector<std::pair<std::optional<int64_t>, Incident>> keyed;
    keyed.reserve(incidents.size());
    for (auto& in : incidents) {
        auto t = incident_time(in, stored_at);
        keyed.emplace_back(t, std::move(in));
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& ka, const auto& kb) {
        const Incident& a = ka.second;
        const Incident& b = kb.second;
        if (ka.first.has_value() != kb.first.has_value())
            return ka.first.has_value();
        if (ka.first != kb.first)
            return *ka.first > *kb.first;
        if (a.boot_id != b.boot_id)
            return a.boot_id > b.boot_id;
        return a.seq > b.seq;
    });
    incidents.clear();
    for (auto& k : keyed)
        incidents.push_back(std::move(k.second));
    return incidents;
}

namespace {

const char* kBold = "\033[1m";
const char* kRed = "\033[1;31m";
const char* kYellow = "\033[33m";
const char* kReset = "\033[0m";

std::string paint(const std::string& s, const char* code, bool color) {
    return color ? code + s + kReset : s;
}

// The list's time column: the detection time, or the time stored marked with '*'.
std::string list_time(const Incident& in, const TextOptions& o, bool& stored_only) {
    if (in.detected_at) {
        if (auto t = parse_record_time(*in.detected_at))
            return display_time_word(*t, o.utc);
        return *in.detected_at;
    }
    auto it = o.stored_at.find(in.id);
    if (it != o.stored_at.end()) {
        if (auto t = parse_record_time(it->second)) {
            stored_only = true;
            return display_time_word(*t, o.utc) + "*";
        }
    }
    return "-";
}

}  // namespace

// One incident per row, the columns as wide as what they hold.  What does not fit the
// width gives way in this order: the BOOT column (the ID starts with the boot's first
// 8 hex digits; -b and the full report name it); then each row takes two lines, the
// second, indented, naming culprit and victim ("culprit C / victim V"); narrower
// still, the time moves to the second line too (" / at T").  A culprit, a function
// name or a pid is never cut nor split.
void TextReport::write_list(const std::vector<Incident>& incidents) {
    struct Row {
        std::string time, id, boot, victim, verdict, note, culprit;
        bool named = false;
    };
    bool any_stored_only = false;
    std::vector<Row> rows;
    for (const auto& in : incidents) {
        Row r;
        r.time = list_time(in, opts_, any_stored_only);
        r.id = in.id;
        r.boot = in.boot_id ? in.boot_id->substr(0, 8) : "-";
        r.victim = victim_short(in);
        r.verdict = verdict_kind_name(in.verdict);
        if (in.panicked || in.trigger == Trigger::panic)
            r.note = "panic";
        if (in.repeats > 1)
            r.note += (r.note.empty() ? "" : ",") + std::string("x") + std::to_string(in.repeats);
        if (r.note.empty())
            r.note = "-";
        r.culprit = culprit_text(in.verdict.culprit);
        r.named = in.verdict.culprit.has_value();
        rows.push_back(std::move(r));
    }
    Row head{"TIME", "ID", "BOOT", "VICTIM", "VERDICT", "NOTE", "CULPRIT", false};
    auto width_of = [&](std::string Row::*col) {
        size_t w = (head.*col).size();
        for (const auto& r : rows)
            w = std::max(w, (r.*col).size());
        return w;
    };
    size_t tw = width_of(&Row::time), iw = width_of(&Row::id), bw = width_of(&Row::boot),
           vw = width_of(&Row::victim), dw = width_of(&Row::verdict), nw = width_of(&Row::note),
           cw = width_of(&Row::culprit);
    std::string sep = "  ";
    size_t one_line = tw + iw + vw + dw + nw + cw + 5 * sep.size();
    bool boot_col = one_line + bw + sep.size() <= opts_.width;
    bool two_lines = !boot_col && one_line > opts_.width;
    bool time_below = two_lines && tw + iw + dw + nw + 3 * sep.size() > opts_.width;
    if (time_below)
        sep = " ";
    auto row_text = [&](const Row& r, bool header) {
        std::string line = time_below ? "" : pad(r.time, tw) + sep;
        line += pad(r.id, iw) + sep;
        if (boot_col)
            line += pad(r.boot, bw) + sep;
        std::string verdict = pad(r.verdict, dw);
        std::string note = two_lines ? r.note : pad(r.note, nw);
        if (!header) {
            verdict = paint(verdict, r.named ? kRed : kYellow, opts_.color);
            note = paint(note, kBold, opts_.color && r.note != "-");
        }
        if (two_lines)
            return line + verdict + sep + note;
        return line + pad(r.victim, vw) + sep + verdict + sep + note + sep + r.culprit;
    };
    out_ << paint(row_text(head, true), kBold, opts_.color) << "\n";
    std::string indent(time_below ? 2 : tw + sep.size(), ' ');
    for (const Row& r : rows) {
        out_ << row_text(r, false) << "\n";
        if (two_lines) {
            out_ << indent;
            wrap_words(out_,
                       "culprit " + r.culprit + " / victim " + r.victim +
                           (time_below ? " / at " + r.time : std::string()),
                       indent.size(), indent + "  ", opts_.width);
        }
    }
    if (any_stored_only)
        wrap_words(out_,
                   "* no detection time in the record (imported from a log): the time it was "
                   "stored",
                   0, "  ", opts_.width);
}

void TextReport::write_incident(const Incident& in) {
    // Every line within the width: what is not wrapped on the way (one-line fields that a
    // long value makes too wide: taint, source, unknown fields) is wrapped here.
    std::ostringstream text;
    write_incident_to(text, in);
    out_ << wrap_text(text.str(), opts_.width);
}

void TextReport::write_incident_to(std::ostream& out, const Incident& in) {
    const std::string hang = "             ";  // under the values of "  Verdict:   "
    out << "Incident " << in.id << " (" << trigger_display(in) << ")\n";
    out << "  Verdict:   "
        << paint(verdict_kind_display(in.verdict), in.verdict.culprit ? kRed : kYellow,
                 opts_.color);
    if (in.verdict.confidence)
        out << " (confidence " << to_string(*in.verdict.confidence) << ")";
    else if (in.verdict.confidence_name)
        out << " (confidence " << *in.verdict.confidence_name << ", unknown to this hungtaskd)";
    out << "\n";
    if (!in.verdict.summary.empty()) {
        out << "  Summary:   ";
        wrap(out, in.verdict.summary, hang.size(), hang, opts_.width);
    }
    out << "  Culprit:   "
        << (in.verdict.culprit ? culprit_text(in.verdict.culprit) : "none proven") << "\n";
    if (!in.related.empty()) {  // report/related.hpp
        std::string ids;
        for (const auto& other : in.related)
            ids += (ids.empty() ? "" : ", ") + other;
        out << "  Related:   ";
        wrap(out, "same root cause as incident " + ids, hang.size(), hang, opts_.width);
    }
    for (const auto& early : in.early_warnings)  // a hog sampler's report came first
        out << "  Warned:    early warning: cpu_hog incident " << early << "\n";
    out << "  Detected:  ";
    if (auto t = in.detected_at ? parse_record_time(*in.detected_at) : std::nullopt)
        out << display_time(*t, opts_.utc);
    else
        out << in.detected_at.value_or("unknown time");
    if (in.first_seen_uptime_s)
        out << " (uptime " << format_uptime(*in.first_seen_uptime_s) << " s)";
    out << "\n";
    out << "  Boot:      " << in.boot_id.value_or("unknown") << ", seq " << in.seq << "\n";
    out << "  Source:    " << (in.source.empty() ? "unknown" : in.source) << ", reported "
        << in.repeats << (in.repeats == 1 ? " time" : " times");
    if (in.last_seen_uptime_s && in.repeats > 1)
        out << ", last at uptime " << format_uptime(*in.last_seen_uptime_s) << " s";
    out << "\n";
    if (in.victim_count && *in.victim_count > 1) {
        std::string names;
        for (const auto& sv : in.victim_sample.value_or(std::vector<SampleVictim>{}))
            names += (names.empty() ? "" : ", ") + sv.comm + " (pid " + std::to_string(sv.pid) + ")";
        std::string text = std::to_string(*in.victim_count) + " hung tasks behind this cause";
        if (!names.empty())
            text += "; besides the victim below: " + names;
        if (in.victim_sample && int64_t(in.victim_sample->size()) + 1 < *in.victim_count)
            text += ", ...";
        out << "  Victims:   ";
        wrap(out, text, hang.size(), hang, opts_.width);
    }
    if (in.fingerprint_seen && in.fingerprint_seen->count > 1) {
        // The same chain shape (model/fingerprint.hpp) stored before, on this or other boots.
        out << "  Seen:      " << in.fingerprint_seen->count << " times since ";
        if (auto t = parse_record_time(in.fingerprint_seen->first_seen))
            out << display_time(*t, opts_.utc);
        else
            out << in.fingerprint_seen->first_seen;
        out << " (fingerprint " << chain_fingerprint(in) << ")\n";
    }
    if (in.panicked)
        out << "  Panic:     the kernel panicked after this report (hung_task_panic)\n";
    if (auto unknown = unknown_fields(in); !unknown.empty()) {
        std::string names = "fields of a newer producer, kept:";
        for (const auto& f : unknown)
            names += " " + f;
        out << "  Unknown:   ";
        wrap(out, names, hang.size(), hang, opts_.width);
    }

    for (size_t i = 0; i < in.victims.size(); i++) {
        const Victim& v = in.victims[i];
        out << "\nVictim" << (in.victims.size() > 1 ? " " + std::to_string(i + 1) : "") << ": "
            << v.comm << " (pid " << v.pid;
        if (v.tgid && *v.tgid != v.pid)
            out << ", tgid " << *v.tgid;
        if (v.ppid)
            out << ", ppid " << *v.ppid;
        out << ")\n";
        out << "  State:      " << v.state.value_or("unknown");
        if (v.blocked_s)
            out << (in.trigger == Trigger::cpu_hog ? ", holding its CPU for more than "
                                                    : ", blocked for more than ")
                << *v.blocked_s << " s";
        out << "\n";
        out << "  Syscall:    " << v.syscall.value_or("none known (kernel thread, or not shown)");
        if (v.syscall && v.syscall_abi && *v.syscall_abi != "x86_64")
            out << " (" << *v.syscall_abi << " ABI)";
        out << "\n";
        out << "  Blocked in: " << blocked_in(v).value_or("unknown") << "\n";
        if (v.workqueue)
            out << "  Workqueue:  " << *v.workqueue << "\n";
        if (v.stack.empty()) {
            out << "  Stack:      not captured\n";
        } else {
            out << "  Stack:\n";
            for (const auto& f : v.stack)
                out << "    " << f << "\n";
        }
        if (!v.stack_unreliable.empty())
            out << "  (" << v.stack_unreliable.size()
                << " unreliable \"?\" frames left out: stale stack words, hints only)\n";
    }
    if (in.capture.is_object() && in.capture.contains("stack_note") &&
        in.capture["stack_note"].is_string())
        out << "  Not read:   stack of " << in.capture["stack_note"].get<std::string>() << "\n";

    if (in.chain.empty()) {
        out << "\nChain: none captured\n";
    } else {
        out << "\nChain (victim first):\n";
        for (size_t i = 0; i < in.chain.size(); i++) {
            std::ostringstream hop;
            render_hop(hop, i + 1, in.chain[i]);
            std::istringstream lines(hop.str());
            for (std::string line; std::getline(lines, line);)
                wrap_line(out, line, opts_.width);
        }
    }

    if (!in.verdict.evidence.empty()) {
        out << "\nEvidence:\n";
        for (const auto& line : in.verdict.evidence) {
            out << "  - ";
            wrap(out, line, 4, "    ", opts_.width);
        }
    }

    const Host& h = in.host;
    out << "\nHost:\n";
    out << "  kernel release:         " << or_unknown(h.kernel_release) << "\n";
    out << "  preemption:             " << or_unknown(h.preemption) << "\n";
    out << "  kernel.watchdog:        " << or_unknown(h.watchdog) << "\n";
    out << "  softlockup_panic:       " << or_unknown(h.softlockup_panic) << "\n";
    out << "  hung_task_timeout_secs: " << or_unknown(h.hung_task_timeout_secs) << "\n";
    out << "  hung_task_panic:        " << or_unknown(h.hung_task_panic) << "\n";
    out << "  taint:                  " << taint_text(h.taint) << "\n";
    out << "  out-of-tree modules:    ";
    if (!h.out_of_tree_modules) {
        out << "unknown";
    } else if (h.out_of_tree_modules->empty()) {
        out << "none";
    } else {
        for (size_t i = 0; i < h.out_of_tree_modules->size(); i++)
            out << (i ? ", " : "") << (*h.out_of_tree_modules)[i];
    }
    out << "\n";
    auto implications = host_implications(h);
    if (!implications.empty()) {
        out << "\nWhat the host context implies:\n";
        for (const auto& line : implications) {
            out << "  - ";
            wrap(out, line, 4, "    ", opts_.width);
        }
    }
    if (!in.verdict.next_steps.empty()) {
        out << "\nWhat to do next:\n";
        for (size_t i = 0; i < in.verdict.next_steps.size(); i++) {
            std::string num = "  " + std::to_string(i + 1) + ". ";
            out << num;
            wrap(out, in.verdict.next_steps[i], num.size(), std::string(num.size(), ' '),
                 opts_.width);
        }
    }
}

void JsonReport::write_list(const std::vector<Incident>& incidents) {
    out_ << dump_json(to_json(incidents)) << "\n";
}

void JsonReport::write_incident(const Incident& incident) {
    out_ << dump_json(to_json(std::vector<Incident>{incident})) << "\n";
}

}  // namespace hungtask
