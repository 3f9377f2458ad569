// ISO 8601 UTC times as the records write them ("2025-11-25T06:51:00Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hungtask {

// Current time as ISO 8601 UTC (seconds precision) and validation of such strings.
std::string iso8601_utc(int64_t unix_seconds);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]"; returns the canonical
// "YYYY-MM-DDTHH:MM:SSZ" form, or nullopt.
std::optional<std::string> normalize_iso8601(std::string_view s);

}  // namespace hungtask
