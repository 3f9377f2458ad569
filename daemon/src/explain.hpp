// The explainer: a pure function from an incident's chain to its verdict.
//
// Minimal rule set for now (the [daemon] issue extends it): a chain that reaches a
// runnable task waiting for a CPU held by another task is runqueue_starvation, blaming
// the holder.  Anything else is `unknown`, with a summary of what was seen.  A culprit is
// only named when every hop from the victim to it was verified by the module.
#pragma once

#include <string>

#include "incident.hpp"

namespace hungtask {

Verdict explain_verdict(const Incident& incident);

// What the host context implies, in plain sentences (may be empty).
std::vector<std::string> host_implications(const Host& host);

}  // namespace hungtask
