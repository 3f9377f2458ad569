// The chain fingerprint: a stable hash of an incident's shape, so that a fleet counts
// recurrences of one cause across boots and hosts (design.md "fingerprint").
//
// Hashed (FNV-1a 64, 16 hex digits), in order: a format version, the trigger, the
// verdict kind, the culprit's function and module, the victim's wait site (function
// name, no offset), and for each hop its kind and every function, module and lock
// symbol it names (members named "function", "module", "*_function", "*_module",
// "lock_sym", at any depth, in member order).  Never pids, tgids, comms, addresses,
// offsets, counts or times: the same chain on another boot, with other pids and
// other addresses, has the same fingerprint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/incident.hpp"

namespace hungtask {

// The text that is hashed (for tests and for people asking why two differ).
std::string fingerprint_text(const Incident& incident);
// 16 lowercase hex digits.
std::string chain_fingerprint(const Incident& incident);

}  // namespace hungtask
