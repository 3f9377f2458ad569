// Reading JSON fields that may be missing or of another type (explain.hpp).
#include <cstdint>

#include "explain.hpp"

namespace hungtask {

const Json& json_at(const Json& obj, const char* key) {
    static const Json kNull;
    if (!obj.is_object())
        return kNull;
    auto it = obj.find(key);
    return it == obj.end() ? kNull : *it;
}

std::optional<std::string> json_str(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
        return std::nullopt;
    return v.get<std::string>();
}

std::optional<int64_t> json_int(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= uint64_t(INT64_MAX) ? std::optional<int64_t>(v.get<int64_t>())
                                                        : std::nullopt;
    if (v.is_number_integer())
        return v.get<int64_t>();
    return std::nullopt;
}

std::optional<double> json_num(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (!v.is_number())
        return std::nullopt;
    return v.get<double>();
}

std::optional<bool> json_bool(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (!v.is_boolean())
        return std::nullopt;
    return v.get<bool>();
}

std::vector<std::string> json_strings(const Json& obj, const char* key) {
    std::vector<std::string> out;
    const Json& v = json_at(obj, key);
    if (!v.is_array())
        return out;
    for (const auto& item : v) {
        if (item.is_string())
            out.push_back(item.get<std::string>());
    }
    return out;
}

}  // namespace hungtask
