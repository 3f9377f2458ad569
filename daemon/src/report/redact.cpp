#include "report/redact.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>

namespace hungtask {

namespace {

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
// A character that may continue a host name.
bool is_name_char(char c) {
    return is_alnum(c) || c == '-' || c == '_';
}
// A character that ends a path in text and JSON: white space, quotes, separators.
bool ends_path(char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == ',' ||
           c == ';' || c == ')' || c == ']' || c == '}' || c == '>' || c == '<' || c == '`';
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// The length of a kernel address at s[i] (0: none); `i` starts a token.
size_t address_at(std::string_view s, size_t i) {
    bool ox = s.substr(i, 2) == "0x" || s.substr(i, 2) == "0X";
    size_t d = i + (ox ? 2 : 0), e = d;
    while (e < s.size() && is_hex(s[e]))
        e++;
    size_t n = e - d;
    if (n < 8 || n > 16 || (e < s.size() && (is_alnum(s[e]) || s[e] == '_')))
        return 0;
    std::string digits = lower(s.substr(d, n));
    bool kernel = (n >= 12 && digits.starts_with("ffff")) || n == 16 || (ox && n >= 8);
    // A decimal number is not an address (without 0x, it needs a hex letter).
    if (!ox && std::all_of(digits.begin(), digits.end(),
                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        kernel = false;
    return kernel ? e - i : 0;
}

}  // namespace

Redactor::Redactor(const std::vector<std::string>& hostnames) {
    for (auto& h : hostnames)
        if (h.size() >= 2)
            hostnames_.push_back(lower(h));
    // Longest first, so that an FQDN wins over its first label.
    std::sort(hostnames_.begin(), hostnames_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::placeholder(std::map<std::string, std::string>& seen, const char* what,
                                  const std::string& value) {
    auto it = seen.find(value);
    if (it != seen.end())
        return it->second;
    std::string p = std::string("<") + what + "-" + std::to_string(seen.size() + 1) + ">";
    seen.emplace(value, p);
    return p;
}

std::string Redactor::text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::string low = lower(s);
    size_t i = 0;
    while (i < s.size()) {
        bool token_start = i == 0 || !(is_alnum(s[i - 1]) || s[i - 1] == '_');
        // Paths: /home/USER... or /root, not inside another path.
        bool path_start =
            s[i] == '/' && (i == 0 || (s[i - 1] != '/' && !is_alnum(s[i - 1]) && s[i - 1] != '.' &&
                                       s[i - 1] != '_' && s[i - 1] != '-'));
        if (path_start) {
            std::string_view rest = s.substr(i);
            bool home = rest.starts_with("/home/") && rest.size() > 6 && !ends_path(rest[6]) &&
                        rest[6] != '/';
            bool root = rest.starts_with("/root") && (rest.size() == 5 || rest[5] == '/' ||
                                                      ends_path(rest[5]) || rest[5] == ':');
            if (home || root) {
                size_t e = i;
                while (e < s.size() && !ends_path(s[e]) && s[e] != ':')
                    e++;
                std::string path(s.substr(i, e - i));
                while (path.size() > 1 && path.back() == '.')  // end of a sentence
                    path.pop_back();
                out += placeholder(paths_, "path", path);
                i += path.size();
                continue;
            }
        }
        if (token_start && is_hex(s[i])) {
            if (size_t n = address_at(s, i)) {
                std::string a = lower(s.substr(i, n));
                if (a.starts_with("0x"))
                    a.erase(0, 2);
                a.insert(0, 16 - std::min<size_t>(16, a.size()), '0');
                out += placeholder(addrs_, "addr", a);
                i += n;
                continue;
            }
        }
        bool name_start = i == 0 || !is_name_char(s[i - 1]);
        if (name_start) {
            bool done = false;
            for (const auto& h : hostnames_) {
                if (low.compare(i, h.size(), h) == 0 &&
                    (i + h.size() == s.size() || !is_name_char(s[i + h.size()]))) {
                    out += placeholder(hosts_, "host", h);
                    i += h.size();
                    done = true;
                    break;
                }
            }
            if (done)
                continue;
        }
        out.push_back(s[i]);
        i++;
    }
    return out;
}

void Redactor::json(Json& j) {
    if (j.is_string()) {
        j = text(j.get_ref<const std::string&>());
    } else if (j.is_array() || j.is_object()) {
        for (auto& v : j)
            json(v);
    }
}

Incident Redactor::incident(const Incident& in) {
    Json j = to_json(in);
    json(j);
    auto back = incident_from_json(j);
    if (!back) {
        // Only the id and the time are checked beyond their type; neither identifies a
        // host's people, so they are taken as they were.  Never hand back unredacted text.
        j["id"] = in.id;
        j["detected_at"] = in.detected_at ? Json(*in.detected_at) : Json(nullptr);
        back = incident_from_json(j);
    }
    if (!back) {
        Incident withheld;
        withheld.id = in.id;
        withheld.verdict.summary = "record withheld: it could not be redacted";
        return withheld;
    }
    return std::move(back).value();
}

std::vector<std::string> local_hostnames() {
    char buf[HOST_NAME_MAX + 1] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0])
        return {};
    std::string full(buf);
    std::vector<std::string> out{full};
    if (auto dot = full.find('.'); dot != std::string::npos && dot > 0)
        out.push_back(full.substr(0, dot));
    if (full == "localhost")
        return {};
    return out;
}

}  // namespace hungtask
