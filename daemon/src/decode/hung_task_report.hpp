// The kernel's own hung-task report, line by line (check_hung_task() in kernel/hung_task.c
// and sched_show_task() in kernel/sched/core.c; the shapes are listed in kernel_log.hpp):
// its first line starts a report, the following lines fill it in, and the victim comes
// out with its stack and, when the user registers or the entry frame show it, its
// syscall.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/incident.hpp"
#include "decode/log_line.hpp"

namespace hungtask {

// One report being read.
struct HungTaskReport {
    Victim victim;
    std::optional<double> ts;
    std::optional<std::string> release;
    std::optional<std::string> taint;
    std::optional<std::string> rip_cs;  // "0033" for 64-bit user mode
    std::optional<int64_t> orig_rax;
    bool saw_trace = false;
};

// "INFO: task %s:%d blocked for more than %ld seconds.": the first line of a report,
// giving the victim's comm, pid and blocked time.
std::optional<Victim> match_info_line(std::string_view msg);

// Takes one line of the report; false when the line is not part of it (the report ended).
bool absorb_report_line(HungTaskReport& report, const LogLine& line);

// The report is complete: names the victim's syscall.
void finish_report(HungTaskReport& report);

}  // namespace hungtask
