// hungtask.ko's kmsg record lines, as the hop kinds read them (see kmsg_line.hpp).
#include "hops/kmsg_line.hpp"

#include <charconv>

namespace hungtask {
namespace kmsg {

std::optional<int64_t> to_int(const std::string& s, int base) {
    std::string_view v = s;
    bool neg = false;
    if (base == 16 && v.starts_with("0x"))
        v.remove_prefix(2);
    if (base == 10 && v.starts_with("-")) {
        neg = true;
        v.remove_prefix(1);
    }
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n, base);
    if (ec != std::errc() || p != v.data() + v.size() || v.empty())
        return std::nullopt;
    return neg ? -int64_t(n) : int64_t(n);
}

std::optional<int64_t> field_int(const ModuleRecordLine& l, const char* key, int base) {
    auto it = l.fields.find(key);
    return it == l.fields.end() ? std::nullopt : to_int(it->second, base);
}

std::optional<std::string> field_str(const ModuleRecordLine& l, const char* key) {
    auto it = l.fields.find(key);
    if (it == l.fields.end() || it->second.empty())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> field_list(const ModuleRecordLine& l, const char* key) {
    if (auto q = l.lists.find(key); q != l.lists.end())
        return q->second;
    std::vector<std::string> out;
    auto it = l.fields.find(key);
    if (it == l.fields.end() || it->second.empty())
        return out;
    std::string_view s = it->second;
    while (true) {
        size_t c = s.find(',');
        out.emplace_back(s.substr(0, c));
        if (c == std::string_view::npos)
            break;
        s.remove_prefix(c + 1);
    }
    return out;
}

std::optional<int64_t> list_int(const std::vector<std::string>& v, size_t i) {
    return i < v.size() ? to_int(v[i]) : std::nullopt;
}

void put_frames(std::vector<std::string>& stack, const ModuleRecordLine& l) {
    auto first = field_int(l, "i");
    if (!first || *first < 0 || *first > 4096)
        return;
    auto frames = field_list(l, "fn");
    size_t at = size_t(*first);
    if (stack.size() < at + frames.size())
        stack.resize(at + frames.size());
    for (size_t k = 0; k < frames.size(); k++)
        stack[at + k] = frames[k];
}

}  // namespace kmsg

}  // namespace hungtask
