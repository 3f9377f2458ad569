#include "model/iso_time.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace hungtask {

std::string iso8601_utc(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<std::string> normalize_iso8601(std::string_view s) {
    auto digits = [&](size_t pos, size_t n) {
        if (pos + n > s.size())
            return false;
        for (size_t i = pos; i < pos + n; i++) {
            if (!std::isdigit(static_cast<unsigned char>(s[i])))
                return false;
        }
        return true;
    };
    auto num = [&](size_t pos, size_t n) { return std::stoi(std::string(s.substr(pos, n))); };
    if (!digits(0, 4) || s.size() < 10 || s[4] != '-' || !digits(5, 2) || s[7] != '-' ||
        !digits(8, 2))
        return std::nullopt;
    int hh = 0, mm = 0, ss = 0;
    size_t pos = 10;
    if (s.size() > 10) {
        if ((s[10] != 'T' && s[10] != ' ') || !digits(11, 2) || s.size() < 16 || s[13] != ':' ||
            !digits(14, 2))
            return std::nullopt;
        hh = num(11, 2);
        mm = num(14, 2);
        pos = 16;
        if (pos < s.size() && s[pos] == ':') {
            if (!digits(pos + 1, 2))
                return std::nullopt;
            ss = num(pos + 1, 2);
            pos += 3;
        }
        if (pos < s.size() && s[pos] == 'Z')
            pos++;
        if (pos != s.size())
            return std::nullopt;
    }
    int year = num(0, 4), mon = num(5, 2), day = num(8, 2);
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
        return std::nullopt;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, mon, day, hh, mm, ss);
    return std::string(buf);
}

}  // namespace hungtask
