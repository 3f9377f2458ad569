#include "cli/time_range.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace hungtask {
namespace {

// 2025-11-25T06:51:00Z, a Tuesday.
constexpr int64_t kNow = 1764053460;

TEST(TimeRange, RelativeAndNamedTimes) {
    EXPECT_EQ(parse_time_spec("now", kNow, true), kNow);
    EXPECT_EQ(parse_time_spec("-2h", kNow, true), kNow - 7200);
    EXPECT_EQ(parse_time_spec("+30m", kNow, true), kNow + 1800);
    EXPECT_EQ(parse_time_spec("-1d12h", kNow, true), kNow - 36 * 3600);
    EXPECT_EQ(parse_time_spec("30 min ago", kNow, true), kNow - 1800);
    EXPECT_EQ(parse_time_spec("today", kNow, true), 1764028800);      // 2025-11-25T00:00Z
    EXPECT_EQ(parse_time_spec("yesterday", kNow, true), 1763942400);  // 2025-11-24T00:00Z
    EXPECT_EQ(parse_time_spec("tomorrow", kNow, true), 1764115200);
    EXPECT_EQ(parse_time_spec("06:00", kNow, true), 1764050400);
    EXPECT_EQ(parse_time_spec("@1764052800", kNow, true), 1764052800);
}

TEST(TimeRange, AbsoluteTimesWithAndWithoutZones) {
    EXPECT_EQ(parse_time_spec("2025-11-25", kNow, true), 1764028800);
    EXPECT_EQ(parse_time_spec("2025-11-25T06:51:00Z", kNow, false), kNow);
    EXPECT_EQ(parse_time_spec("2025-11-25T07:51:00+01:00", kNow, false), kNow);
    EXPECT_EQ(parse_time_spec("2025-11-25T01:51:00-0500", kNow, false), kNow);
    EXPECT_EQ(parse_time_spec("2025-11-25 06:51", kNow, true), kNow);
    EXPECT_EQ(parse_time_spec("2025-11-25T06:51:00.5Z", kNow, true), kNow);
    // A time without a zone is local unless --utc.
    ::setenv("TZ", "Europe/Berlin", 1);
    ::tzset();
    EXPECT_EQ(parse_time_spec("2025-11-25 07:51", kNow, false), kNow);
    EXPECT_EQ(display_time(kNow, false), "2025-11-25 07:51:00 CET");
    EXPECT_EQ(display_time(kNow, true), "2025-11-25 06:51:00 UTC");
    ::unsetenv("TZ");
    ::tzset();
}

TEST(TimeRange, RejectsWhatIsNotATime) {
    for (const char* bad : {"", "last tuesday", "2025-13-01", "2025-11-25T25:00", "-2x",
                            "2025-11-25T06:51:00+99:00", "12", "--", "@"})
        EXPECT_FALSE(parse_time_spec(bad, kNow, true)) << bad;
}

TEST(TimeRange, RecordTimes) {
    EXPECT_EQ(parse_record_time("2025-11-25T06:51:00Z"), kNow);
    EXPECT_FALSE(parse_record_time("yesterday"));
}

}  // namespace
}  // namespace hungtask
