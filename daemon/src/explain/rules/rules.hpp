// The verdict rules, one file each in this folder; engine.cpp lists them in the order they
// are tried.  A rule returns a verdict only when every link from the victim to what it
// blames was verified; otherwise nullopt, and a Refusal when the chain had its shape but a
// link is missing or unproven (explain.hpp).
#pragma once

#include <optional>

#include "explain/facts.hpp"
#include "model/incident.hpp"

namespace hungtask::explainer {

// flush_work -> worker -> cpu held by another task.
std::optional<Verdict> rule_runqueue_starvation(const Incident& in, Refusals& refusals);
// A task holding its CPU is itself the cause.
std::optional<Verdict> rule_cpu_hog(const Incident& in, Refusals& refusals);
// The chain returns to a task already in it (a hop marked cycle).
std::optional<Verdict> rule_deadlock(const Incident& in, Refusals& refusals);
// mutex hops to an owner that sleeps holding the last lock.
std::optional<Verdict> rule_lock_chain(const Incident& in, Refusals& refusals);
// The fallback when no rule gave a verdict: never a culprit.
Verdict explain_unknown(const Incident& in, const Refusals& refusals);

}  // namespace hungtask::explainer
