#include "model/fingerprint.hpp"

#include <string_view>

#include "model/frames.hpp"

namespace hungtask {
namespace {

bool names_code(std::string_view key) {
    return key == "function" || key == "module" || key == "lock_sym" ||
           key.ends_with("_function") || key.ends_with("_module");
}

// "func+0x1a/0x40 [mod]" -> "func [mod]": offsets change with every build.
std::string without_offset(std::string_view s) {
    size_t plus = s.find('+');
    if (plus == std::string_view::npos)
        return std::string(s);
    std::string out(s.substr(0, plus));
    size_t mod = s.find(" [", plus);
    if (mod != std::string_view::npos)
        out += s.substr(mod);
    return out;
}

void add_code_names(std::string& text, const Json& j, const std::string& path) {
    if (!j.is_object())
        return;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& key = it.key();
        if (it->is_object()) {
            add_code_names(text, *it, path + key + ".");
        } else if (it->is_string() && names_code(key)) {
            text += path + key + "=" + without_offset(it->get<std::string>()) + ";";
        }
    }
}

}  // namespace

std::string fingerprint_text(const Incident& in) {
    std::string text = "v1|" + trigger_name(in) + "|" + verdict_kind_name(in.verdict) + "|";
    if (in.verdict.culprit)
        text += in.verdict.culprit->function.value_or("") + "[" +
                in.verdict.culprit->module.value_or("") + "]";
    text += "|";
    if (!in.victims.empty())
        text += without_offset(blocked_in(in.victims[0]).value_or(""));
    for (const Hop& h : in.chain) {
        Json hj = to_json(h);
        text += "|";
        text += hj.contains("kind") && hj["kind"].is_string() ? hj["kind"].get<std::string>()
                                                              : std::string("?");
        text += ":";
        add_code_names(text, hj, "");
    }
    return text;
}

std::string chain_fingerprint(const Incident& in) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : fingerprint_text(in)) {
        h ^= c;
        h *= 1099511628211ull;
    }
    static const char* hex = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; i--, h >>= 4)
        s[size_t(i)] = hex[h & 0xf];
    return s;
}

}  // namespace hungtask
