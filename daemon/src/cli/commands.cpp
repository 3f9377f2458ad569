#include "cli/commands.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "cli/input.hpp"
#include "cli/time_range.hpp"
#include "decode/kernel_log.hpp"
#include "ingest/pipeline.hpp"
#include "model/coalesce.hpp"
#include "model/iso_time.hpp"
#include "report/html.hpp"
#include "report/redact.hpp"
#include "report/related.hpp"
#include "report/report.hpp"
#include "report/terminal.hpp"
#include "store/store.hpp"

namespace hungtask {

namespace {

// Where text goes: standard output is looked at only when `out` is std::cout.
Terminal terminal_of(const std::ostream& out) {
    if (&out == &std::cout)
        return detect_terminal(STDOUT_FILENO);
    return Terminal{};
}

// Writes `text` to `out`, or through the pager on a terminal.
void emit(const std::string& text, std::ostream& out, const Terminal& term, bool no_pager) {
    if (!no_pager && show_in_pager(text, term))
        return;
    out << text;
}

// Whether `dir` holds a store: nullopt when there is none (nothing found), an Error for
// what makes it unreadable (permission, not a directory), true when FORMAT exists.
Result<bool> store_present(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return false;
        return Error{"cannot stat: " + errno_text(errno), dir};
    }
    if (!S_ISDIR(st.st_mode))
        return Error{"not a directory", dir};
    std::string fmt = dir + "/FORMAT";
    if (::access(fmt.c_str(), F_OK) != 0) {
        if (errno == ENOENT)
            return false;
        return Error{"cannot read: " + errno_text(errno), dir};
    }
    int fd = ::open(fmt.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error{"cannot read: " + errno_text(errno), fmt};
    ::close(fd);
    return true;
}

// Boots of `incidents` ordered oldest first (by their oldest incident), for -b N.
std::vector<std::string> boot_order(const std::vector<Incident>& incidents,
                                    const std::map<std::string, std::string>& stored_at) {
    std::map<std::string, int64_t> first;
    for (const auto& in : incidents) {
        if (!in.boot_id)
            continue;
        int64_t t = incident_time(in, stored_at).value_or(INT64_MAX);
        auto [it, fresh] = first.emplace(*in.boot_id, t);
        if (!fresh)
            it->second = std::min(it->second, t);
    }
    std::vector<std::pair<int64_t, std::string>> v;
    v.reserve(first.size());
    for (const auto& [b, t] : first)
        v.emplace_back(t, b);
    std::sort(v.begin(), v.end());
    std::vector<std::string> out;
    out.reserve(v.size());
    for (auto& p : v)
        out.push_back(p.second);
    return out;
}

// The boot id -b means, or an Error.
Result<std::string> resolve_boot(const std::string& spec, const std::vector<std::string>& boots) {
    bool numeric = !spec.empty() &&
                   spec.find_first_not_of("0123456789", (spec[0] == '-' || spec[0] == '+')) ==
                       std::string::npos &&
                   spec.size() < 10;
    if (numeric) {
        long n = std::strtol(spec.c_str(), nullptr, 10);
        long count = long(boots.size());
        long idx = n <= 0 ? count - 1 + n : n - 1;
        if (idx < 0 || idx >= count)
            return Error{"no such boot in the store (it holds " + std::to_string(count) + " boot" +
                             (count == 1 ? "" : "s") + ")",
                         "-b " + spec};
        return boots[size_t(idx)];
    }
    std::string match;
    for (const auto& b : boots) {
        if (b.starts_with(spec)) {
            if (!match.empty())
                return Error{"ambiguous boot id prefix", "-b " + spec};
            match = b;
        }
    }
    if (match.empty())
        return Error{"no incident of this boot in the store", "-b " + spec};
    return match;
}

bool culprit_module_matches(const Incident& in, const std::vector<std::string>& modules) {
    std::optional<std::string> mod;
    if (in.verdict.culprit)
        mod = in.verdict.culprit->module;
    for (const auto& m : modules) {
        if (mod ? *mod == m : (m == "-" || m == "kernel"))
            return true;
    }
    return false;
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

int cmd_scan(const CliCommand& c, std::istream& in, std::ostream& out, std::ostream& err) {
    // Read everything first: a missing file must not leave a half-done --store.  Files
    // named on the command line must be readable; a bad file found in a directory is
    // reported and skipped.
    std::vector<std::pair<std::string, std::string>> inputs;
    for (const auto& a : c.files) {
        struct stat st {};
        if (a != "-" && ::stat(a.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            for (const auto& f : expand_dir(a, err)) {
                auto data = read_input(f, in);
                if (!data) {
                    err << "hungtaskd: warning: skipping " << data.error().to_string() << "\n";
                    continue;
                }
                inputs.emplace_back(f, std::move(data).value());
            }
            continue;
        }
        auto data = read_input(a, in);
        if (!data) {
            err << "hungtaskd: error: " << data.error().to_string() << "\n";
            return kExitError;
        }
        inputs.emplace_back(a, std::move(data).value());
    }
    std::vector<Incident> found;
    for (const auto& [name, text] : inputs) {
        LogContext ctx{"log:" + (name == "-" ? std::string("stdin") : name), c.boot_id,
                       c.boot_time ? std::optional<double>(double(*c.boot_time)) : std::nullopt};
        auto incidents = parse_kernel_log(text, ctx);
        found.insert(found.end(), incidents.begin(), incidents.end());
    }
    auto nothing = [&] {
        err << "hungtaskd: no incidents found in";
        for (const auto& f : c.files)
            err << " " << (f == "-" ? std::string("standard input") : f);
        err << "\n";
    };
    // Each file numbered its incidents from 1; number them across all files.
    std::map<std::string, uint64_t> next;
    for (auto& incident : found) {
        std::string prefix = boot_prefix(incident.boot_id);
        incident.seq = ++next[prefix];
        incident.id = prefix + "-" + std::to_string(incident.seq);
    }
    // The log says all there is: no live host facts (it may come from another boot).
    Pipeline pipeline(nullptr, IngestHost{});
    if (!c.store) {
        for (auto& incident : found)
            incident = pipeline.prepare(std::move(incident), Origin::log_file);
        // In log order, which is also seq order.
        out << dump_json(to_json(found)) << "\n";
        if (found.empty())
            nothing();
        return found.empty() ? kExitNotFound : kExitOk;
    }
    auto store = Store::open(c.state_dir, err);
    if (!store) {
        err << "hungtaskd: error: " << store.error().to_string() << "\n";
        return kExitError;
    }
    pipeline = Pipeline(&*store, IngestHost{});
    for (auto& incident : found) {
        auto r = pipeline.ingest(incident, Origin::log_file);
        if (!r) {
            err << "hungtaskd: error: " << r.error().to_string() << "\n";
            return kExitError;
        }
        const char* what = r->kind == UpsertKind::created   ? "stored"
                           : r->kind == UpsertKind::updated ? "updated"
                                                            : "already stored";
        out << what << " " << r->incident.id << ": " << r->incident.verdict.summary << "\n";
    }
    if (found.empty())
        nothing();
    return found.empty() ? kExitNotFound : kExitOk;
}

int cmd_report(const CliCommand& c, std::ostream& out, std::ostream& err) {
    auto present = store_present(c.state_dir);
    if (!present) {
        err << "hungtaskd: error: " << present.error().to_string() << "\n";
        return kExitError;
    }
    if (!*present) {
        err << "hungtaskd: no incidents recorded: no incident store in " << c.state_dir << "\n";
        if (c.json && !c.id && !c.last)
            out << "[]\n";
        return kExitNotFound;
    }
    auto store = Store::open_existing(c.state_dir, err);
    if (!store) {
        err << "hungtaskd: error: " << store.error().to_string() << "\n";
        return kExitError;
    }
    if (store->records().empty() && store->skipped() > 0) {
        err << "hungtaskd: error: " << c.state_dir << ": every record is unreadable ("
            << store->skipped() << " skipped, named above)\n";
        return kExitError;
    }
    std::map<std::string, std::string> stored_at;
    for (const auto& rec : store->records()) {
        if (!rec.stored_at.empty())
            stored_at[rec.incident.id] = rec.stored_at;
    }
    std::vector<Incident> all = store->incidents();
    link_related(all);  // before filtering: a related incident may lie outside the filters
    std::optional<std::string> boot;
    if (c.boot) {
        auto b = resolve_boot(*c.boot, boot_order(all, stored_at));
        if (!b) {
            err << "hungtaskd: " << b.error().to_string() << "\n";
            if (c.json && !c.id && !c.last)
                out << "[]\n";
            return kExitNotFound;
        }
        boot = *b;
    }
    std::vector<Incident> incidents;
    for (auto& in : all) {
        if (c.since || c.until) {
            auto t = incident_time(in, stored_at);
            if (!t || (c.since && *t < *c.since) || (c.until && *t > *c.until))
                continue;
        }
        if (!c.verdicts.empty() && !listed(c.verdicts, to_string(in.verdict.kind)))
            continue;
        if (!c.triggers.empty() && !listed(c.triggers, to_string(in.trigger)))
            continue;
        if (!c.modules.empty() && !culprit_module_matches(in, c.modules))
            continue;
        if (boot && in.boot_id != boot)
            continue;
        incidents.push_back(std::move(in));
    }
    incidents = newest_first(std::move(incidents), stored_at);
    if (c.redact) {
        Redactor redactor(local_hostnames());  // one for the whole output: stable names
        for (auto& in : incidents)
            in = redactor.incident(in);
    }
    if (c.html) {
        const Incident* pick = incidents.empty() ? nullptr : &incidents.front();
        for (const auto& in : incidents)
            if (c.id && in.id == *c.id)
                pick = &in;
        if (!pick || (c.id && pick->id != *c.id)) {
            err << "hungtaskd: " << (c.id ? "no such incident: " + *c.id : "no incidents stored")
                << "\n";
            return kExitNotFound;
        }
        std::ofstream f(*c.html, std::ios::binary | std::ios::trunc);
        if (f)
            write_html(f, *pick);
        if (f)
            f.flush();
        if (!f) {
            err << "hungtaskd: error: " << *c.html << ": cannot write\n";
            return kExitError;
        }
        out << "wrote " << *c.html << " (incident " << pick->id << ")\n";
        return kExitOk;
    }
    Terminal term = terminal_of(out);
    std::ostringstream text;
    std::unique_ptr<ReportWriter> w;
    if (c.json)
        w = std::make_unique<JsonReport>(text);
    else
        w = std::make_unique<TextReport>(text,
                                         TextOptions{term.width, c.utc, term.color, stored_at});
    bool filtered = c.since || c.until || c.boot || !c.verdicts.empty() || !c.triggers.empty() ||
                    !c.modules.empty();
    if (c.id || c.last) {
        const Incident* pick = nullptr;
        if (c.last && !incidents.empty())
            pick = &incidents.front();
        for (const auto& in : incidents) {
            if (c.id && in.id == *c.id)
                pick = &in;
        }
        if (!pick) {
            err << "hungtaskd: "
                << (c.id ? "no such incident: " + *c.id : std::string("no incidents stored"))
                << (filtered ? " (with these filters)" : "") << "\n";
            return kExitNotFound;
        }
        w->write_incident(*pick);
        emit(text.str(), out, term, c.no_pager || c.json);
        return kExitOk;
    }
    if (incidents.empty()) {
        if (c.json)
            w->write_list(incidents);
        out << text.str();
        err << "hungtaskd: no incidents stored";
        if (c.since)
            err << " since " << display_time(*c.since, c.utc);
        if (c.until)
            err << " until " << display_time(*c.until, c.utc);
        if (filtered && !c.since && !c.until)
            err << " (with these filters)";
        err << "\n";
        return kExitNotFound;
    }
    w->write_list(incidents);
    emit(text.str(), out, term, c.no_pager || c.json);
    return kExitOk;
}

int cmd_explain(const CliCommand& c, std::istream& in, std::ostream& final_out, std::ostream& err) {
    const std::string& path = c.files[0];
    auto data = read_input(path, in);
    if (!data) {
        err << "hungtaskd: error: " << data.error().to_string() << "\n";
        return kExitError;
    }
    // One record file of a store ({"format":1,"stored_at":...,"incident":{...}}) is an
    // export of one incident.
    std::string text_in = std::move(data).value();
    {
        Json j = Json::parse(text_in.begin(), text_in.end(), nullptr, false);
        if (!j.is_discarded() && j.is_object() && j.contains("incident") && j.contains("format"))
            text_in = "[" + j["incident"].dump() + "]";
    }
    auto incidents = incidents_from_text(text_in, path == "-" ? "stdin" : path);
    if (!incidents) {
        err << "hungtaskd: error: " << incidents.error().to_string() << "\n";
        return kExitError;
    }
    if (incidents->empty()) {
        err << "hungtaskd: no incidents in " << (path == "-" ? "standard input" : path) << "\n";
        return kExitNotFound;
    }
    Terminal term = terminal_of(final_out);
    std::ostringstream page;
    std::ostream& out = page;  // everything below goes to the page, shown at the end
    TextReport text(out, TextOptions{term.width, c.utc, term.color, {}});
    Pipeline pipeline(nullptr, IngestHost{});  // explain only: nothing is stored
    std::optional<Redactor> redactor;
    if (c.redact)
        redactor.emplace(local_hostnames());
    auto ordered = newest_first(*incidents);
    link_related(ordered);
    bool first = true;
    for (auto incident : ordered) {
        if (!first)
            out << "\n" << std::string(std::min<size_t>(78, term.width), '-') << "\n\n";
        first = false;
        // A chain captured by hungtask.ko is explained again with this binary's rules (an
        // export from an older daemon gets today's answer); kernel-only incidents keep
        // theirs.
        std::optional<std::string> was;
        Verdict stored = incident.verdict;
        incident = pipeline.prepare(std::move(incident), Origin::export_record);
        if (incident.verdict.kind != stored.kind || incident.verdict.culprit != stored.culprit)
            was = std::string(to_string(stored.kind));
        if (redactor)
            incident = redactor->incident(incident);
        text.write_incident(incident);
        if (was) {
            out << "\n";
            wrap_words(out,
                       "Note: the verdict above comes from this hungtaskd's rules; the record's "
                       "own verdict was " +
                           *was + ".",
                       0, "      ", term.width);
        }
    }
    emit(page.str(), final_out, term, c.no_pager);
    return kExitOk;
}

}  // namespace hungtask
