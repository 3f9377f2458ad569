#include "model/json_text.hpp"

namespace hungtask {

std::string dump_json(const Json& j, int indent) {
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xe  ? 3
                     : (c >> 3) == 0x1e ? 4
                                        : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (size_t k = 1; ok && k < len; k++)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if (ok && len == 2 && c < 0xc2)
            ok = false;  // overlong
        if (ok && len == 3) {
            unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))
                ok = false;  // overlong or surrogate
        }
        if (ok && len == 4) {
            unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
            if ((c == 0xf0 && c1 < 0x90) || c > 0xf4 || (c == 0xf4 && c1 >= 0x90))
                ok = false;
        }
        if (!ok) {
            out.push_back('?');
            i++;
            continue;
        }
        out.append(s.substr(i, len));
        i += len;
    }
    return out;
}

Json json_unknown(const Json& theirs, const Json& mine) {
    if (theirs.is_object() && mine.is_object()) {
        Json out = Json::object();
        for (auto it = theirs.begin(); it != theirs.end(); ++it) {
            auto m = mine.find(it.key());
            if (m == mine.end()) {
                out[it.key()] = it.value();
            } else if (Json sub = json_unknown(it.value(), *m); !sub.is_null()) {
                out[it.key()] = std::move(sub);
            }
        }
        return out.empty() ? Json() : out;
    }
    if (theirs.is_array() && mine.is_array() && theirs.size() == mine.size()) {
        Json out = Json::array();
        bool any = false;
        for (size_t i = 0; i < theirs.size(); i++) {
            out.push_back(json_unknown(theirs[i], mine[i]));
            any = any || !out.back().is_null();
        }
        return any ? out : Json();
    }
    return Json();
}

void json_merge_unknown(Json& mine, const Json& unknown) {
    if (unknown.is_object() && mine.is_object()) {
        for (auto it = unknown.begin(); it != unknown.end(); ++it) {
            auto m = mine.find(it.key());
            if (m == mine.end())
                mine[it.key()] = it.value();
            else
                json_merge_unknown(*m, it.value());
        }
    } else if (unknown.is_array() && mine.is_array() && unknown.size() == mine.size()) {
        for (size_t i = 0; i < unknown.size(); i++)
            json_merge_unknown(mine[i], unknown[i]);
    }
}

void json_unknown_paths(std::vector<std::string>& out, const std::string& path, const Json& unknown,
                        const Json& mine) {
    if (unknown.is_object()) {
        for (auto it = unknown.begin(); it != unknown.end(); ++it) {
            std::string sub = path.empty() ? it.key() : path + "." + it.key();
            auto m = mine.is_object() ? mine.find(it.key()) : mine.end();
            if (!mine.is_object() || m == mine.end())
                out.push_back(sub);  // a whole new member
            else
                json_unknown_paths(out, sub, it.value(), *m);  // news inside a known one
        }
    } else if (unknown.is_array()) {
        for (size_t i = 0; i < unknown.size(); i++)
            json_unknown_paths(out, path + "[" + std::to_string(i) + "]", unknown[i],
                               mine.is_array() && i < mine.size() ? mine[i] : Json());
    }
}

}  // namespace hungtask
