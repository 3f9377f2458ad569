// The explainer's engine: the rule table, tried in order, and the fallback to `unknown`
// with the rules' refusals (explain.hpp says how it decides).
#include <exception>

#include "explain/explain.hpp"
#include "explain/rules/rules.hpp"

namespace hungtask {

namespace {

using explainer::Refusals;

// A rule: a verdict for the chain shape it recognises, or nullopt (and maybe a refusal).
using Rule = std::optional<Verdict> (*)(const Incident&, Refusals&);

struct NamedRule {
    const char* name;
    Rule explain;
};

// Tried in order; the first verdict wins.  Adding a rule = one file in rules/, its
// declaration in rules/rules.hpp and one line here.
constexpr NamedRule kRules[] = {
    {"deadlock", explainer::rule_deadlock},
    {"runqueue_starvation", explainer::rule_runqueue_starvation},
    {"cpu_hog", explainer::rule_cpu_hog},
    {"lock_chain", explainer::rule_lock_chain},
};

}  // namespace

Verdict explain_verdict(const Incident& in) {
    Refusals refusals;
    for (const auto& rule : kRules) {
        try {
            if (auto v = rule.explain(in, refusals))
                return *v;
        } catch (const std::exception&) {
            // A rule that cannot read a record blames nobody; the next one may.
        }
    }
    try {
        return explainer::explain_unknown(in, refusals);
    } catch (const std::exception&) {
        Verdict v;
        v.kind = VerdictKind::unknown;
        v.confidence = Confidence::low;
        v.summary = "The captured chain could not be read, so no cause is proven.";
        return v;
    }
}

}  // namespace hungtask
