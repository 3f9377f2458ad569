#include "decode/syscalls.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "model/frames.hpp"

namespace hungtask {

namespace {

struct SyscallName {
    int nr;
    std::string_view name;
};

constexpr SyscallName kX86_64[] = {
#include "syscalls_x86_64.inc"
};

constexpr SyscallName kI386[] = {
#include "syscalls_i386.inc"
};

constexpr SyscallName kX32[] = {
#include "syscalls_x32.inc"
};

template <size_t N>
std::optional<std::string_view> lookup(const SyscallName (&table)[N], int64_t nr) {
    for (const auto& s : table) {
        if (s.nr == nr)
            return s.name;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string_view> x86_64_syscall_name(int64_t nr) {
    return lookup(kX86_64, nr);
}

std::optional<std::string> syscall_name(std::string_view abi, int64_t nr) {
    if (abi == "x86_64") {
        if (auto n = lookup(kX86_64, nr))
            return std::string(*n);
        return std::nullopt;
    }
    if (abi == "ia32" || abi == "x32") {
        if (auto n = abi == "ia32" ? lookup(kI386, nr) : lookup(kX32, nr))
            return std::string(*n);
        return std::string(abi) + " syscall " + std::to_string(nr);
    }
    return std::nullopt;
}

std::optional<std::string> syscall_from_frame(std::string_view frame) {
    std::string fn = frame_function(frame);
    // Longest prefixes first: "__x64_compat_sys_" must not be read as "__x64_sys_".
    static constexpr std::string_view kPrefixes[] = {
        "__x64_compat_sys_", "__ia32_compat_sys_", "__ia32_sys_", "__x64_sys_", "__do_compat_sys_",
        "__se_compat_sys_",  "__do_sys_",          "__se_sys_",   "ksys_",
    };
    for (auto p : kPrefixes) {
        if (fn.size() > p.size() && std::string_view(fn).starts_with(p))
            return fn.substr(p.size());
    }
    return std::nullopt;
}

std::optional<std::string> syscall_from_stack(const std::vector<std::string>& frames) {
    // The outermost (last printed) entry frame names the syscall the task made; inner
    // ksys_* helpers can belong to a different, nested call path.
    // (An index loop: clang 14's libstdc++ 12 <ranges> support cannot build views::reverse.)
    for (size_t i = frames.size(); i-- > 0;) {
        if (auto s = syscall_from_frame(frames[i]))
            return s;
    }
    return std::nullopt;
}

}  // namespace hungtask
