// Small text helpers of the kernel log reader (log_line, hung_task_report, boot_facts,
// kernel_log): digits, trimming, whole-string integers.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace hungtask::log_text {

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
inline bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline std::string_view trim_left(std::string_view s) {
    size_t i = s.find_first_not_of(" \t");
    return i == std::string_view::npos ? std::string_view{} : s.substr(i);
}

inline std::string_view trim(std::string_view s) {
    s = trim_left(s);
    size_t e = s.find_last_not_of(" \t");
    return e == std::string_view::npos ? std::string_view{} : s.substr(0, e + 1);
}

template <typename T>
std::optional<T> parse_int(std::string_view s, int base = 10) {
    T v{};
    if (s.empty())
        return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

}  // namespace hungtask::log_text
