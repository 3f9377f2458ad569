#include "report/related.hpp"

#include <algorithm>

namespace hungtask {

namespace {

void add_task(std::vector<std::string>& keys, const std::optional<int64_t>& pid,
              const std::optional<std::string>& comm) {
    if (pid && *pid > 0 && comm)
        keys.push_back("task:" + std::to_string(*pid) + ":" + *comm);
}

void add_task(std::vector<std::string>& keys, const std::optional<HopTask>& t) {
    if (t)
        add_task(keys, t->pid, t->comm);
}

}  // namespace

std::vector<std::string> root_cause_keys(const Incident& in) {
    std::vector<std::string> keys;
    if (in.verdict.culprit)
        add_task(keys, in.verdict.culprit->pid, in.verdict.culprit->comm);
    // Only a verified last hop is evidence of a shared cause.
    if (!in.chain.empty() && in.chain.back().verified) {
        const Hop& last = in.chain.back();
        if (const auto* m = last.as<MutexHop>())
            add_task(keys, m->owner);
        else if (const auto* c = last.as<CpuHop>())
            add_task(keys, c->hog);
        else if (const auto* w = last.as<WorkerHop>())
            add_task(keys, w->task);
        else if (const auto* f = last.as<FlushWorkHop>()) {
            if (f->target)
                keys.push_back("flush_work:target:" + *f->target);
        } else if (const auto* u = last.as<UnknownHop>()) {
            const Json& t = u->fields.is_object() && u->fields.contains("target")
                                ? u->fields["target"]
                                : Json(nullptr);
            if (t.is_string() || t.is_number_integer())
                keys.push_back(u->kind +
                               ":target:" + (t.is_string() ? t.get<std::string>() : t.dump()));
            for (const char* who : {"owner", "holder", "task", "hog"}) {
                if (u->fields.is_object() && u->fields.contains(who))
                    add_task(keys, task_from_json(u->fields[who]));
            }
        }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

void link_related(std::vector<Incident>& incidents) {
    std::vector<std::vector<std::string>> keys;
    keys.reserve(incidents.size());
    for (const auto& in : incidents)
        keys.push_back(root_cause_keys(in));
    for (size_t i = 0; i < incidents.size(); i++) {
        std::vector<std::string> related, early;
        for (size_t k = 0; k < incidents.size() && related.size() < kMaxRelated; k++) {
            if (k == i || !incidents[i].boot_id || incidents[i].boot_id != incidents[k].boot_id ||
                incidents[k].id == incidents[i].id)
                continue;
            bool shared = std::any_of(keys[i].begin(), keys[i].end(), [&](const std::string& key) {
                return std::binary_search(keys[k].begin(), keys[k].end(), key);
            });
            if (shared) {
                related.push_back(incidents[k].id);
                if (incidents[i].trigger != Trigger::cpu_hog &&
                    incidents[k].trigger == Trigger::cpu_hog && incidents[k].seq < incidents[i].seq)
                    early.push_back(incidents[k].id);
            }
        }
        incidents[i].related = std::move(related);
        incidents[i].early_warnings = std::move(early);
    }
}

}  // namespace hungtask
