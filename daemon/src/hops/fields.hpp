// Small readers and writers shared by the hop kinds' JSON forms (hops/KIND.cpp).
//
// Reading is lenient, as the explainer and the report always were with hop fields: a
// member that is missing, null or of another type reads as not known (nullopt), never as
// an error, so that a record from another host or version still explains and renders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/json_text.hpp"

namespace hungtask {

namespace hopjson {

inline const Json& at(const Json& obj, const char* key) {
    static const Json kNull;
    if (!obj.is_object())
        return kNull;
    auto it = obj.find(key);
    return it == obj.end() ? kNull : *it;
}

// A non-empty string.
inline std::optional<std::string> str(const Json& obj, const char* key) {
    const Json& v = at(obj, key);
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
        return std::nullopt;
    return v.get<std::string>();
}

// An integer that fits int64.
inline std::optional<int64_t> int_(const Json& obj, const char* key) {
    const Json& v = at(obj, key);
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= uint64_t(INT64_MAX) ? std::optional<int64_t>(v.get<int64_t>())
                                                        : std::nullopt;
    if (v.is_number_integer())
        return v.get<int64_t>();
    return std::nullopt;
}

inline std::optional<bool> boolean(const Json& obj, const char* key) {
    const Json& v = at(obj, key);
    return v.is_boolean() ? std::optional<bool>(v.get<bool>()) : std::nullopt;
}

// The string items of an array (others skipped).
inline std::vector<std::string> strings(const Json& obj, const char* key) {
    std::vector<std::string> out;
    const Json& v = at(obj, key);
    if (!v.is_array())
        return out;
    for (const auto& e : v)
        if (e.is_string())
            out.push_back(e.get<std::string>());
    return out;
}

template <typename T>
Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

}  // namespace hopjson
}  // namespace hungtask
