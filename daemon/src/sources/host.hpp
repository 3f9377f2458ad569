// Live host facts for the incident's `host` block, read from /proc and /sys at detection
// time.  Only valid for incidents of the running boot.  Each fact that cannot be read
// stays null.
#pragma once

#include <string>

#include "model/incident.hpp"
#include "model/taint.hpp"

namespace hungtask {

// `root` prefixes every path ("" on a live system, a fixture tree in tests).
Host read_host_facts(const std::string& root = "");

// Fills the unknown fields of `into` from `live`; fields the kernel log already gave
// (release, taint) are kept.
void fill_host(Host& into, const Host& live, bool captured_at_detection = false);

// /proc/sys/kernel/random/boot_id without the newline, or nullopt.
std::optional<std::string> read_boot_id(const std::string& root = "");

}  // namespace hungtask
