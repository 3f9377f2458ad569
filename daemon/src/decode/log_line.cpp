#include "decode/log_line.hpp"

#include <cctype>

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

// "Nov 25 06:51:00 host kernel: " (syslog / journalctl -k short format).
std::optional<size_t> match_journal_prefix(std::string_view s) {
    if (s.size() < 16 || !std::isupper(static_cast<unsigned char>(s[0])) || s[3] != ' ' ||
        s[6] != ' ' || s[9] != ':' || s[12] != ':' || s[15] != ' ')
        return std::nullopt;
    size_t k = s.find(" kernel: ", 15);
    if (k == std::string_view::npos || s.find(' ', 16) != k)
        return std::nullopt;
    return k + 9;
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
        out.msg = std::string(v.substr(*j));
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
