// Coalescing: which reports are one incident (its key, its id prefix), and how a newer
// view of an incident folds into the one already known.  Shared by the kernel log
// reader (repeated reports of one task) and the store (the same incident seen again).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/incident.hpp"

namespace hungtask {

// First 8 hex digits of a boot id ("noboot" when unknown): the id prefix.
std::string boot_prefix(const std::optional<std::string>& boot_id);

// hungtask.ko's capture.first_seq and capture.module_seq, when the incident has them.
std::optional<uint64_t> module_first_seq(const Incident& incident);
std::optional<uint64_t> module_seq(const Incident& incident);

// Identity used to coalesce reports and to find an incident again in the store: the same
// boot, trigger and first victim (pid + comm).  When the boot id is unknown, the kernel
// release and the first report's timestamp stand in for it.  An incident of hungtask.ko
// that carries capture.first_seq and instance_id is named by those instead: a coalesced
// incident sent again (with more victims, or a longer chain naming another victim) is
// the same incident.
std::string incident_key(const Incident& incident);

// The instance_id of the hungtask.ko that sent it, when known.
std::optional<std::string> module_instance(const Incident& incident);

// The same boot, trigger and first victim (pid + comm): incident_key() without the
// module's first_seq.  A task still hung when the module is reloaded is re-reported by
// the new instance under a new first_seq; the store folds it by this key.
std::string victim_key(const Incident& incident);

// Folds a newer view of the same incident (same key) into an existing one: keeps the
// existing id/seq/detected_at, takes maxima of counters and times, keeps the first full
// stack, and ORs `panicked`.  A later module send (capture.module_seq higher, with a
// first_seq) replaces victims, chain, verdict and the victim count and sample.
Incident merge_incident(const Incident& existing, const Incident& update);

}  // namespace hungtask
