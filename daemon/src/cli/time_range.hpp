// Times on the command line and on the screen, the way journalctl takes and shows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hungtask {

// A time for --since/--until, as Unix seconds, or nullopt when `spec` is none of:
//   "now", "today", "yesterday", "tomorrow" (midnight, in the display zone)
//   relative: "-2h", "+30m", "-1d12h", "2h ago"; units s, m/min, h, d, w (journalctl's)
//   ISO 8601: "2025-11-25", "2025-11-25 06:51", "2025-11-25T06:51:00", with optional
//   fraction and zone ("Z", "+01:00", "-0500"); a time without a zone is in the display
//   zone (local, or UTC with `utc`)
//   a time of day: "06:51[:SS]" (today)
//   "@1764052800" (Unix seconds)
// `now` is the current Unix time.
std::optional<int64_t> parse_time_spec(std::string_view spec, int64_t now, bool utc);

// A record's ISO 8601 UTC time ("2025-11-25T06:51:00Z", fraction or offset allowed) as
// Unix seconds.
std::optional<int64_t> parse_record_time(std::string_view iso);

// "2025-11-25 06:51:00 UTC" or the local zone's "2025-11-25 07:51:00 CET".
std::string display_time(int64_t t, bool utc);

// One word, for tables that scripts cut into columns: "2025-11-25T06:51:00Z" or the
// local "2025-11-25T07:51:00+01:00" (journalctl -o short-iso).
std::string display_time_word(int64_t t, bool utc);

}  // namespace hungtask
