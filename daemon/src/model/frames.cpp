#include "model/frames.hpp"

#include <algorithm>
#include <iterator>

namespace hungtask {

namespace {

bool is_scheduler_or_wait_helper(std::string_view fn) {
    // Completion and I/O waits are skipped too: their caller (flush_work, ...) says more.
    // Lock slow paths (__mutex_lock, rwsem_down_*_slowpath, __down_common) are kept: the
    // lock primitive is the answer to "blocked in what".
    static constexpr std::string_view kWaitHelpers[] = {
        "io_schedule",
        "io_schedule_timeout",
        "do_wait_for_common",
        "__wait_for_common",
        "wait_for_common",
        "wait_for_common_io",
        "wait_for_completion",
        "wait_for_completion_timeout",
        "wait_for_completion_io",
        "wait_for_completion_io_timeout",
        "wait_for_completion_killable",
        "wait_for_completion_state",
        "bit_wait_io",
    };
    return is_scheduling_frame(fn) || std::find(std::begin(kWaitHelpers), std::end(kWaitHelpers),
                                                fn) != std::end(kWaitHelpers);
}

}  // namespace

bool is_scheduling_frame(std::string_view fn) {
    static constexpr std::string_view kExact[] = {
        "__schedule",
        "schedule",
        "schedule_timeout",
        "schedule_timeout_uninterruptible",
        "schedule_timeout_interruptible",
        "schedule_timeout_killable",
        "schedule_preempt_disabled",
        "schedule_hrtimeout_range_clock",
        "schedule_hrtimeout_range",
        "schedule_hrtimeout",
        "preempt_schedule",
        "preempt_schedule_common",
        "bit_wait",
        "__wait_on_bit",
        "__wait_on_bit_lock",
        "out_of_line_wait_on_bit",
        "out_of_line_wait_on_bit_lock",
        "wait_woken",
    };
    return std::find(std::begin(kExact), std::end(kExact), fn) != std::end(kExact);
}

std::string frame_function(std::string_view frame) {
    size_t start = frame.find_first_not_of(' ');
    if (start == std::string_view::npos)
        return {};
    frame.remove_prefix(start);
    if (frame.starts_with("? "))
        frame.remove_prefix(2);
    size_t end = frame.find_first_of("+ ");
    std::string fn(frame.substr(0, end));
    // Compiler clones ("__mutex_lock.constprop.0", "foo.isra.0", "bar.cold") are the
    // same function for a reader.
    if (size_t dot = fn.find('.'); dot != std::string::npos && dot > 0)
        fn.resize(dot);
    return fn;
}

std::optional<std::string> frame_module(std::string_view frame) {
    size_t open = frame.rfind('[');
    size_t close = frame.rfind(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2)
        return std::nullopt;
    std::string_view inside = frame.substr(open + 1, close - open - 1);
    // With CONFIG_STACKTRACE_BUILD_ID the suffix is "[module build_id]".
    inside = inside.substr(0, inside.find(' '));
    if (inside.empty())
        return std::nullopt;
    return std::string(inside);
}

std::optional<std::string> blocked_in(const std::vector<std::string>& stack) {
    for (const auto& f : stack) {
        std::string fn = frame_function(f);
        if (fn.empty() || fn.starts_with("0x"))
            continue;
        if (!is_scheduler_or_wait_helper(fn))
            return fn;
    }
    return std::nullopt;
}

void trim_ipi_frames(std::vector<std::string>& stack) {
    for (size_t i = 0; i < stack.size(); i++) {
        if (frame_function(stack[i]).starts_with("asm_sysvec_")) {
            stack.erase(stack.begin(), stack.begin() + long(i) + 1);
            return;
        }
    }
}

}  // namespace hungtask
