#include "cli/time_range.hpp"

#include <ctime>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace hungtask {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; i++) {
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

// Seconds since the epoch of a broken-down time in UTC or the local zone.
std::optional<int64_t> to_unix(struct tm tm, bool utc) {
    tm.tm_isdst = -1;
    time_t t = utc ? timegm(&tm) : mktime(&tm);
    if (t == time_t(-1) && !(tm.tm_year == 69 && tm.tm_mday == 31))
        return std::nullopt;
    return int64_t(t);
}

struct tm broken_down(int64_t t, bool utc) {
    time_t tt = time_t(t);
    struct tm tm {};
    if (utc)
        gmtime_r(&tt, &tm);
    else
        localtime_r(&tt, &tm);
    return tm;
}

int64_t midnight(int64_t now, int day_offset, bool utc) {
    struct tm tm = broken_down(now, utc);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mday += day_offset;
    return to_unix(tm, utc).value_or(now);
}

// "2h", "1d12h", "30 min": a sum of NUMBER UNIT.
std::optional<int64_t> parse_span(std::string_view s) {
    int64_t total = 0;
    size_t i = 0;
    bool any = false;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ')
            i++;
        if (i == s.size())
            break;
        size_t d = i;
        int64_t n = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - d < 9)
            n = n * 10 + (s[i++] - '0');
        if (i == d)
            return std::nullopt;
        while (i < s.size() && s[i] == ' ')
            i++;
        size_t u = i;
        while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
            i++;
        std::string unit(s.substr(u, i - u));
        int64_t mult;
        if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "second" ||
            unit == "seconds")
            mult = 1;
        else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" ||
                 unit == "minutes")
            mult = 60;
        else if (unit == "h" || unit == "hr" || unit == "hour" || unit == "hours")
            mult = 3600;
        else if (unit == "d" || unit == "day" || unit == "days")
            mult = 86400;
        else if (unit == "w" || unit == "week" || unit == "weeks")
            mult = int64_t(7) * 86400;
        else
            return std::nullopt;
        total += n * mult;
        any = true;
    }
    if (!any)
        return std::nullopt;
    return total;
}

// "Z", "+01:00", "+0100", "-05": seconds east of UTC.
std::optional<int> parse_zone(std::string_view z) {
    if (z == "Z" || z == "z" || z == " UTC" || z == "UTC")
        return 0;
    if (z.empty() || (z[0] != '+' && z[0] != '-'))
        return std::nullopt;
    int sign = z[0] == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (!digits(z, 1, 2, hh))
        return std::nullopt;
    size_t p = 3;
    if (p < z.size() && z[p] == ':')
        p++;
    if (p < z.size()) {
        if (!digits(z, p, 2, mm) || p + 2 != z.size())
            return std::nullopt;
    }
    if (hh > 14 || mm > 59)
        return std::nullopt;
    return sign * (hh * 3600 + mm * 60);
}

// "YYYY-MM-DD[( |T)HH:MM[:SS[.frac]]][zone]"; zone-less times are in the display zone.
std::optional<int64_t> parse_absolute(std::string_view s, bool utc) {
    struct tm tm {};
    int y, mo, d;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return std::nullopt;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    size_t p = 10;
    if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
        int h, mi, sec = 0;
        if (!digits(s, p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':' ||
            !digits(s, p + 4, 2, mi))
            return std::nullopt;
        p += 6;
        if (p < s.size() && s[p] == ':') {
            if (!digits(s, p + 1, 2, sec))
                return std::nullopt;
            p += 3;
            if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
                p++;
                while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])))
                    p++;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return std::nullopt;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
    }
    if (p == s.size())
        return to_unix(tm, utc);
    auto zone = parse_zone(s.substr(p));
    if (!zone)
        return std::nullopt;
    auto t = to_unix(tm, true);
    if (!t)
        return std::nullopt;
    return *t - *zone;
}

}  // namespace

std::optional<int64_t> parse_time_spec(std::string_view spec, int64_t now, bool utc) {
    std::string_view s = spec;
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    if (s.empty())
        return std::nullopt;
    if (s == "now")
        return now;
    if (s[0] == '@' && s.size() > 1 && s.size() < 14 &&
        s.find_first_not_of("0123456789", 1) == std::string_view::npos)
        return std::stoll(std::string(s.substr(1)));
    if (s == "today")
        return midnight(now, 0, utc);
    if (s == "yesterday")
        return midnight(now, -1, utc);
    if (s == "tomorrow")
        return midnight(now, 1, utc);
    if (s[0] == '-' || s[0] == '+') {
        auto span = parse_span(s.substr(1));
        if (!span)
            return std::nullopt;
        return s[0] == '-' ? now - *span : now + *span;
    }
    if (s.size() > 4 && s.ends_with(" ago")) {
        auto span = parse_span(s.substr(0, s.size() - 4));
        if (!span)
            return std::nullopt;
        return now - *span;
    }
    // "HH:MM[:SS]": today.
    if (s.size() >= 5 && s[2] == ':') {
        int h, mi, sec = 0;
        if (!digits(s, 0, 2, h) || !digits(s, 3, 2, mi))
            return std::nullopt;
        if (s.size() == 8) {
            if (s[5] != ':' || !digits(s, 6, 2, sec))
                return std::nullopt;
        } else if (s.size() != 5) {
            return std::nullopt;
        }
        if (h > 23 || mi > 59 || sec > 60)
            return std::nullopt;
        struct tm tm = broken_down(now, utc);
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        return to_unix(tm, utc);
    }
    return parse_absolute(s, utc);
}

std::optional<int64_t> parse_record_time(std::string_view iso) {
    return parse_absolute(iso, true);
}

std::string display_time(int64_t t, bool utc) {
    struct tm tm = broken_down(t, utc);
    char buf[64];
    if (utc)
        ::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    else
        ::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
    return buf;
}

std::string display_time_word(int64_t t, bool utc) {
    struct tm tm = broken_down(t, utc);
    char buf[64];
    if (utc) {
        ::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
    }
    ::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    // +0100 -> +01:00
    size_t n = std::strlen(buf);
    if (n < 5)
        return buf;
    return std::string(buf, n - 2) + ":" + std::string(buf + n - 2, 2);
}

}  // namespace hungtask
