// The verdict sentence of an incident that hungtask.ko did not capture: the kernel's own
// report (or its panic) is all there is, and the sentence says so.
#pragma once

#include <string>

#include "model/incident.hpp"

namespace hungtask {

// Honest one-sentence summary for an incident known only from the kernel's report.
std::string hung_task_summary(const Incident& incident);

}  // namespace hungtask
