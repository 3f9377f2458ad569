// Related incidents: incidents of one boot whose chains end in the same culprit (the same
// task, or the same hop target) share a root cause, and the report says so.
#pragma once

#include <string>
#include <vector>

#include "model/incident.hpp"

namespace hungtask {

// What the incident's chain ends in, as comparable keys: "task:PID:COMM" for the proven
// culprit task and for the task the last hop names (a cpu hop's holder, a worker), and
// "KIND:target:X" for a last hop's target (a flush_work's work item, or the `target` of
// a kind this version does not know).  Within one boot, a pid and comm together name one
// task (records carry no task start time).  Empty when the chain ends in nothing named.
std::vector<std::string> root_cause_keys(const Incident& in);

// At most this many ids per incident: a storm of victims of one cause would otherwise
// grow the report with the square of its size.
inline constexpr size_t kMaxRelated = 16;

// Sets each incident's `related` to the ids of the other incidents of the same known boot
// sharing a root-cause key, in the order given, at most kMaxRelated of them.  Incidents without a
// boot id are never linked: nothing says two of them are of one boot.
void link_related(std::vector<Incident>& incidents);

}  // namespace hungtask
