// unknown: the fallback when no rule proves a cause.  It never names a culprit; it says
// where the victim waits, what the chain shows, and the first refusal.
#include <algorithm>

#include "explain/facts.hpp"
#include "explain/rules/rules.hpp"
#include "explain/sentences.hpp"
#include "model/frames.hpp"

namespace hungtask::explainer {

Verdict explain_unknown(const Incident& in, const Refusals& refusals) {
    Verdict v;
    v.kind = VerdictKind::unknown;
    v.confidence = Confidence::low;
    v.evidence = start_evidence(in);
    std::string who = victim_name(in);
    std::string pid = in.victims.empty() ? "PID" : std::to_string(in.victims[0].pid);
    WaitSite site = in.victims.empty() ? WaitSite{} : wait_site(in.victims[0].stack);

    if (in.chain.empty()) {
        std::string s = who + " is blocked";
        if (!in.victims.empty()) {
            if (auto where = blocked_in(in.victims[0]))
                s += " in " + *where;
        }
        if (site.wait != Wait::none) {
            s += ": it waits for " + wait_words(site.wait) + " (" + site.primitive + ")";
            if (site.caller)
                s += (site.wait == Wait::mutex || site.wait == Wait::rwsem ||
                              site.wait == Wait::semaphore
                          ? " taken from "
                          : " called from ") +
                     site.caller->text();
        }
        s += "; " + wait_not_followed(site.wait) + ", so no cause is proven.";
        v.summary = s;
        v.evidence.push_back("hungtask.ko captured no chain from " + who + " to a cause.");
        v.next_steps.push_back(wait_next_step(site.wait, pid));
        return v;
    }

    std::string s = who;
    for (size_t i = 0; i < in.chain.size(); i++) {
        const Hop& h = in.chain[i];
        s += (i ? "; " : " ") + hop_clause(h);
        std::string fact = "Hop " + std::to_string(i + 1) + " " + hop_kind_name(h) + ", ";
        fact += hop_verified(h)
                    ? "verified"
                    : "not verified (" + hop_reason(h).value_or("no reason given") + ")";
        v.evidence.push_back(fact + ": " + hop_clause(h) + ".");
    }
    s += "; no cause is proven";
    if (!refusals.empty())
        s += ": " + refusals.front().why;
    else
        s += ": hungtask has no rule for a chain of this shape";
    v.summary = s + ".";
    for (size_t i = 1; i < refusals.size(); i++) {
        bool repeated = std::any_of(refusals.begin(), refusals.begin() + long(i),
                                    [&](const Refusal& r) { return r.why == refusals[i].why; });
        if (!repeated)
            v.evidence.push_back("Also: " + refusals[i].why + ".");
    }
    if (!refusals.empty() && !refusals.front().next_step.empty())
        v.next_steps.push_back(refusals.front().next_step);
    else
        v.next_steps.push_back(wait_next_step(site.wait, pid));
    return v;
}

}  // namespace hungtask::explainer
