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
    std::string msg;               // the printk text, leading spaces kept
    bool kernel_prefixed = false;  // carried a kernel prefix (timestamp, kmsg, <N>)
};

// `prev_was_kmsg`: the previous line was a /dev/kmsg record, so a " KEY=value" line is
// its dictionary continuation (Form::skip).
LogLine classify_line(std::string_view raw, bool prev_was_kmsg);

}  // namespace hungtask
