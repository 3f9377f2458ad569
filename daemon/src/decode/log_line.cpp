#include "decode/log_line.hpp"

#include <ctime>

#include <cctype>
#include <cstring>

#include "model/json_text.hpp"
#include "decode/log_text.hpp"

namespace hungtask {

namespace {

using namespace log_text;

// "[%5lu.%06lu]" at `pos`: returns the seconds and the index just past ']'.
std::optional<std::pair<double, size_t>> match_timestamp(std::string_view s, size_t pos) {
    if (pos >= s.size() || s[pos] != '[')
        return std::nullopt;
    size_t i = pos + 1;
    while (i < s.size() && s[i] == ' ')
        i++;
    size_t int_start = i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i == int_start || i - int_start > 12 || i >= s.size() || s[i] != '.')
        return std::nullopt;
    size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i - frac_start != 6 || i >= s.size() || s[i] != ']')
        return std::nullopt;
    auto secs = parse_int<uint64_t>(s.substr(int_start, frac_start - 1 - int_start));
    auto usecs = parse_int<uint64_t>(s.substr(frac_start, 6));
    if (!secs || !usecs)
        return std::nullopt;
    return std::pair{double(*secs) + double(*usecs) / 1e6, i + 1};
}

// Optional CONFIG_PRINTK_CALLER field after the timestamp: "[  T123]" or "[    C1]".
size_t skip_caller(std::string_view s, size_t pos) {
    if (pos >= s.size() || s[pos] != '[')
        return pos;
    size_t i = pos + 1;
    while (i < s.size() && s[i] == ' ')
        i++;
    if (i >= s.size() || (s[i] != 'T' && s[i] != 'C'))
        return pos;
    size_t d = ++i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i == d || i >= s.size() || s[i] != ']')
        return pos;
    i++;
    return (i < s.size() && s[i] == ' ') ? i + 1 : i;
}

bool is_pstore_header(std::string_view s) {
    // fs/pstore/platform.c: "%s#%d Part%u\n" with the kmsg_dump_reason_str() word.
    size_t hash = s.find('#');
    if (hash == std::string_view::npos || hash == 0 || hash > 10)
        return false;
    for (size_t i = 0; i < hash; i++) {
        if (!std::isalpha(static_cast<unsigned char>(s[i])))
            return false;
    }
    size_t i = hash + 1, d = i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i == d || s.substr(i, 5) != " Part")
        return false;
    i += 5;
    d = i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    return i > d && i == s.size();
}

bool two_digits(std::string_view s, size_t pos, int& out) {
    if (pos + 2 > s.size() || !is_digit(s[pos]) || !is_digit(s[pos + 1]))
        return false;
    out = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
}

int month_index(std::string_view m) {
    static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++) {
        if (m == names[i])
            return i;
    }
    return -1;
}

// "HH:MM:SS" at `pos` into `tm`.
bool match_clock(std::string_view s, size_t pos, struct tm& tm) {
    int h, m, sec;
    if (!two_digits(s, pos, h) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
        !two_digits(s, pos + 3, m) || pos + 5 >= s.size() || s[pos + 5] != ':' ||
        !two_digits(s, pos + 6, sec) || h > 23 || m > 59 || sec > 60)
        return false;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    return true;
}

// ".123456" or ",123456" at `pos`: the fraction and the index past it.
double match_fraction(std::string_view s, size_t& pos) {
    double f = 0, scale = 0.1;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',') && pos + 1 < s.size() &&
        is_digit(s[pos + 1])) {
        pos++;
        while (pos < s.size() && is_digit(s[pos])) {
            f += (s[pos] - '0') * scale;
            scale /= 10;
            pos++;
        }
    }
    return f;
}

std::optional<double> local_time(struct tm tm) {
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == time_t(-1))
        return std::nullopt;
    return double(t);
}

// "Nov 25 06:51:00[.123456] host kernel: " (syslog / journalctl -k short and
// short-precise): the index of the message and the wall time.
std::optional<std::pair<size_t, std::optional<double>>> match_journal_prefix(std::string_view s) {
    if (s.size() < 16 || !std::isupper(static_cast<unsigned char>(s[0])) || s[3] != ' ' ||
        s[6] != ' ' || s[9] != ':' || s[12] != ':')
        return std::nullopt;
    size_t p = 15;
    double frac = match_fraction(s, p);
    if (p >= s.size() || s[p] != ' ')
        return std::nullopt;
    size_t k = s.find(" kernel: ", p);
    if (k == std::string_view::npos || s.find(' ', p + 1) != k)
        return std::nullopt;
    std::optional<double> wall;
    struct tm tm {};
    int mon = month_index(s.substr(0, 3));
    int day = 0;
    if (s[4] == ' ' && is_digit(s[5]))
        day = s[5] - '0';
    else
        two_digits(s, 4, day);
    if (mon >= 0 && day >= 1 && day <= 31 && match_clock(s, 7, tm)) {
        // No year in this form: the most recent such date, allowing a day of clock skew.
        time_t now = ::time(nullptr);
        struct tm lt {};
        localtime_r(&now, &lt);
        tm.tm_mon = mon;
        tm.tm_mday = day;
        for (int y : {lt.tm_year, lt.tm_year - 1}) {
            tm.tm_year = y;
            auto t = local_time(tm);
            if (t && *t <= double(now) + 86400) {
                wall = *t + frac;
                break;
            }
        }
    }
    return std::pair{k + 9, wall};
}

// "YYYY-MM-DDTHH:MM:SS[.,frac](Z|+HH:MM|+HHMM)" at the start: the wall time and the
// index past it.  (journalctl -o short-iso[-precise], dmesg --time-format iso.)
std::optional<std::pair<double, size_t>> match_iso_prefix(std::string_view s) {
    int c1, c2, mo, d;
    if (s.size() < 20 || !two_digits(s, 0, c1) || !two_digits(s, 2, c2) || s[4] != '-' ||
        !two_digits(s, 5, mo) || s[7] != '-' || !two_digits(s, 8, d) || s[10] != 'T')
        return std::nullopt;
    struct tm tm {};
    if (!match_clock(s, 11, tm) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return std::nullopt;
    tm.tm_year = c1 * 100 + c2 - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    size_t p = 19;
    double frac = match_fraction(s, p);
    int offset = 0;
    if (p < s.size() && s[p] == 'Z') {
        p++;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
        int sign = s[p] == '-' ? -1 : 1, hh, mm;
        if (!two_digits(s, p + 1, hh))
            return std::nullopt;
        size_t q = p + 3;
        if (q < s.size() && s[q] == ':')
            q++;
        if (!two_digits(s, q, mm))
            return std::nullopt;
        offset = sign * (hh * 3600 + mm * 60);
        p = q + 2;
    } else {
        return std::nullopt;
    }
    if (p < s.size() && s[p] != ' ')
        return std::nullopt;
    time_t t = timegm(&tm);
    if (t == time_t(-1))
        return std::nullopt;
    return std::pair{double(t) - offset + frac, p < s.size() ? p + 1 : p};
}

// dmesg -T: "[Tue Nov 25 06:51:00 2025] " (ctime format, local time).
std::optional<std::pair<double, size_t>> match_ctime_prefix(std::string_view s) {
    // "[Www Mmm dd hh:mm:ss yyyy]" is 26 characters.
    if (s.size() < 26 || s[0] != '[' || s[4] != ' ' || s[8] != ' ' || s[11] != ' ' ||
        s[20] != ' ' || s[25] != ']')
        return std::nullopt;
    struct tm tm {};
    int mon = month_index(s.substr(5, 3));
    int day = 0, c1, c2;
    if (s[9] == ' ' && is_digit(s[10]))
        day = s[10] - '0';
    else if (!two_digits(s, 9, day))
        return std::nullopt;
    if (mon < 0 || day < 1 || day > 31 || !match_clock(s, 12, tm) || !two_digits(s, 21, c1) ||
        !two_digits(s, 23, c2))
        return std::nullopt;
    tm.tm_mon = mon;
    tm.tm_mday = day;
    tm.tm_year = c1 * 100 + c2 - 1900;
    auto t = local_time(tm);
    if (!t)
        return std::nullopt;
    size_t p = 26;
    if (p < s.size() && s[p] == ' ')
        p++;
    return std::pair{*t, p};
}

bool is_kmsg_dict_line(std::string_view s) {
    // " SUBSYSTEM=pci" / " DEVICE=+pci:0000:00:01.0"
    if (s.size() < 3 || s[0] != ' ')
        return false;
    size_t eq = s.find('=');
    if (eq == std::string_view::npos || eq < 2)
        return false;
    for (size_t i = 1; i < eq; i++) {
        char c = s[i];
        if (!(std::isupper(static_cast<unsigned char>(c)) || is_digit(c) || c == '_'))
            return false;
    }
    return true;
}

}  // namespace

LogLine classify_line(std::string_view raw, bool prev_was_kmsg) {
    LogLine out;
    std::string s;
    s.reserve(raw.size());
    for (char c : raw) {
        if (c != '\r' && c != '\n' && c != '\0')
            s.push_back(c);
    }
    // Serial noise can break UTF-8; records must stay valid JSON text.
    s = sanitize_utf8(s);
    std::string_view v(s);

    if (prev_was_kmsg && is_kmsg_dict_line(v)) {
        out.form = LogLine::Form::skip;
        return out;
    }
    if (is_pstore_header(v)) {
        out.form = LogLine::Form::skip;
        return out;
    }
    // /dev/kmsg: "prio,seq,usec,flags[,more];message"
    {
        size_t i = 0, field = 0;
        uint64_t vals[3] = {0, 0, 0};
        bool ok = true;
        while (field < 3) {
            size_t d = i;
            while (i < v.size() && is_digit(v[i]))
                i++;
            if (i == d || i - d > 20 || i >= v.size() || v[i] != ',') {
                ok = false;
                break;
            }
            auto n = parse_int<uint64_t>(v.substr(d, i - d));
            if (!n) {
                ok = false;
                break;
            }
            vals[field++] = *n;
            i++;
        }
        size_t semi = ok ? v.find(';', i) : std::string_view::npos;
        if (ok && semi != std::string_view::npos && semi - i < 32) {
            out.form = LogLine::Form::kmsg;
            out.level = int(vals[0] & 7);
            out.ts = double(vals[2]) / 1e6;
            out.msg = std::string(v.substr(semi + 1));
            out.kernel_prefixed = true;
            return out;
        }
    }
    size_t pos = 0;
    // pstore / syslog level "<3>"
    if (v.size() > 2 && v[0] == '<') {
        size_t i = 1;
        while (i < v.size() && is_digit(v[i]))
            i++;
        if (i > 1 && i < v.size() && v[i] == '>' && i <= 4) {
            out.level = int(parse_int<int>(v.substr(1, i - 1)).value_or(0) & 7);
            out.form = LogLine::Form::pstore;
            out.kernel_prefixed = true;
            pos = i + 1;
        }
    }
    if (auto ts = match_timestamp(v, pos)) {
        out.ts = ts->first;
        pos = ts->second;
        if (pos < v.size() && v[pos] == ' ')
            pos++;
        pos = skip_caller(v, pos);
        if (out.form != LogLine::Form::pstore)
            out.form = LogLine::Form::console;
        out.kernel_prefixed = true;
        out.msg = std::string(v.substr(pos));
        return out;
    }
    if (out.form == LogLine::Form::pstore) {
        out.msg = std::string(v.substr(pos));
        return out;
    }
    if (auto j = match_journal_prefix(v)) {
        out.form = LogLine::Form::journal;
        out.kernel_prefixed = true;
        out.wall = j->second;
        out.msg = std::string(v.substr(j->first));
        return out;
    }
    if (auto iso = match_iso_prefix(v)) {
        // journalctl -o short-iso: "TIME host kernel: msg"; dmesg --time-format iso:
        // "TIME msg".
        std::string_view rest = v.substr(iso->second);
        size_t sp = rest.find(' ');
        out.form = LogLine::Form::journal;
        out.kernel_prefixed = true;
        out.wall = iso->first;
        if (sp != std::string_view::npos && rest.substr(sp).starts_with(" kernel: "))
            out.msg = std::string(rest.substr(sp + 9));
        else
            out.msg = std::string(rest);
        return out;
    }
    if (auto ct = match_ctime_prefix(v)) {
        out.form = LogLine::Form::console;
        out.kernel_prefixed = true;
        out.wall = ct->first;
        out.msg = std::string(v.substr(skip_caller(v, ct->second)));
        return out;
    }
    // Serial garbage in front of a console line: "login: [   12.345678] INFO: task ..."
    for (size_t b = v.find('['); b != std::string_view::npos; b = v.find('[', b + 1)) {
        if (auto ts = match_timestamp(v, b)) {
            out.ts = ts->first;
            size_t p = ts->second;
            if (p < v.size() && v[p] == ' ')
                p++;
            out.form = LogLine::Form::console;
            out.kernel_prefixed = true;
            out.msg = std::string(v.substr(skip_caller(v, p)));
            return out;
        }
    }
    out.form = LogLine::Form::plain;
    out.msg = s;
    return out;
}

}  // namespace hungtask
