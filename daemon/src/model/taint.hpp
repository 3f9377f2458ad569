// The kernel's taint mask as the letters print_tainted() shows.
#pragma once

#include <cstdint>
#include <string>

namespace hungtask {

// /proc/sys/kernel/tainted mask -> the letters print_tainted() shows for set bits
// ("" when not tainted; 'G', the placeholder for a clear 'P', is left out).
std::string taint_letters(uint64_t mask);

}  // namespace hungtask
