// Coalescing: which reports are one incident (its key, its id prefix), and how a newer
// view of an incident folds into the one already known.  Shared by the kernel log
// reader (repeated reports of one task) and the store (the same incident seen again).
#pragma once

#include <optional>
#include <string>

#include "model/incident.hpp"

namespace hungtask {

// First 8 hex digits of a boot id ("noboot" when unknown): the id prefix.
std::string boot_prefix(const std::optional<std::string>& boot_id);

// Identity used to coalesce reports and to find an incident again in the store: the same
// boot, trigger and first victim (pid + comm).  When the boot id is unknown, the kernel
// release and the first report's timestamp stand in for it.
std::string incident_key(const Incident& incident);

// Folds a newer view of the same incident (same key) into an existing one: keeps the
// existing id/seq/detected_at, takes maxima of counters and times, keeps the first full
// stack, and ORs `panicked`.
Incident merge_incident(const Incident& existing, const Incident& update);

}  // namespace hungtask
