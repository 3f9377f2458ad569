// The kernel log line reader: one physical line of any accepted form (console/serial,
// dmesg, /dev/kmsg records, pstore dmesg-ramoops, journalctl -k) -> its timestamp, level
// and printk text.  See kernel_log.hpp for the forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hungtask {

// One physical line, classified.
struct LogLine {
    enum class Form { plain, console, kmsg, pstore, journal, skip };
    Form form = Form::plain;
    std::optional<int> level;      // syslog level when the form carries it
    std::optional<double> ts;      // seconds since boot
    std::optional<double> wall;    // Unix time, when the form carries a wall clock
    std::string msg;               // the printk text, leading spaces kept
    bool kernel_prefixed = false;  // carried a kernel prefix (timestamp, kmsg, <N>)
};

// Forms with a wall clock: journalctl -k -o short-iso / short-iso-precise
// ("2025-11-25T06:51:00+01:00 host kernel: msg"), -o short / short-precise ("Nov 25
// 06:51:00[.123456] host kernel: msg"; no year: the latest such time not after `now`
// + 1 day, in the local zone), dmesg -T ("[Tue Nov 25 06:51:00 2025] msg", local) and
// dmesg --time-format iso ("2025-11-25T06:51:00,123456+01:00 msg").
//
// `prev_was_kmsg`: the previous line was a /dev/kmsg record, so a " KEY=value" line is
// its dictionary continuation (Form::skip).
LogLine classify_line(std::string_view raw, bool prev_was_kmsg);

}  // namespace hungtask
