// Kernel log text -> incidents.
//
// Recognises the kernel's own hung-task report, as printed by check_hung_task()
// (kernel/hung_task.c) and sched_show_task() (kernel/sched/core.c) on 6.1 and 6.12:
//
//   INFO: task acme-sync:123 blocked for more than 5 seconds.          pr_err
//         Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2               pr_err "      %s %s %.*s"
//         (or "Tainted: G           OE      6.12.117+deb12-amd64 #1 Debian 6.12.117-1~deb12u1":
//         upstream cuts the version at its first space, leaving "#1"; Debian's
//         version.patch appends " Debian <package version>"; both are accepted)
//   "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
//   task:acme-sync       state:D stack:0     pid:123   ppid:1      flags:0x00004002
//        6.1:  "task:%-15.15s state:%c stack:%-5lu pid:%-5d ppid:%-6d flags:0x%08lx"
//        6.12: "task:%-15.15s state:%c stack:%-5lu pid:%-5d tgid:%-5d ppid:%-6d flags:0x%08lx"
//   Workqueue: events acme_work_fn [acme_drv]            (kworkers only, print_worker_info)
//   Call Trace:
//    <TASK>
//    __schedule+0x34d/0x9e0                    x86 printk_stack_address(): " %s%pBb",
//    ? some_func+0x1/0x2 [mod]                 "? " marks an unreliable (stale) word
//    ...
//   RIP: 0033:0x7f0c1b2a3b47                   user regs (SHOW_REGS_SHORT) when the task
//   RSP: 002b:00007ffd5c3e1a28 EFLAGS: 00000246 ORIG_RAX: 0000000000000054
//   RAX: ffffffffffffffda RBX: ... RCX: ...      entered through a syscall
//   ...
//    </TASK>
//   [6.12 only, when hung_task_warnings runs out]
//   Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings
//
// and "Kernel panic - not syncing: hung_task: blocked tasks" (panic() after the pass),
// and hungtask.ko's own records ("hungtask: v1 seq=..."; kmsg_record.hpp), printed by its
// probe just before the kernel's report of the same task: they carry the chain.
//
// Accepted line forms: console/serial ("[   12.345678] msg"), dmesg with or without
// timestamps, /dev/kmsg records ("6,1234,5678901,-;msg" plus " KEY=value" dictionary
// lines, ignored), pstore dmesg-ramoops files ("Panic#1 Part1" header, "<3>[   12.3] msg"
// lines), journalctl -k ("Nov 25 06:51:00 host kernel: msg", also -o short-precise,
// short-iso and short-iso-precise), dmesg -T and dmesg --time-format iso.  A report's
// wall time (from its line, or its printk time plus the boot's wall time) becomes the
// incident's detected_at.  Stray '\r' and user
// space output interleaved on a serial console are tolerated.  Never throws on any input.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "decode/boot_facts.hpp"
#include "decode/hung_task_report.hpp"
#include "model/incident.hpp"
#include "decode/kmsg_record.hpp"
#include "decode/log_line.hpp"

namespace hungtask {

struct LogContext {
    std::string source;                  // "kmsg", "log:PATH"
    std::optional<std::string> boot_id;  // applied to every incident (null when unknown)
    // Unix time of boot (uptime 0), when known: console lines' printk times become wall
    // times.  The log's own "rtc_cmos ...: setting system clock to ... (N)" line, and
    // lines that carry both clocks, set it too.
    std::optional<double> boot_time = std::nullopt;
};

// Incremental parser for a stream of lines (the /dev/kmsg follower, or a file).
class KernelLogFeeder {
  public:
    explicit KernelLogFeeder(LogContext ctx);

    // Feeds one line (a trailing '\n' is allowed).  Returns the incidents created or
    // changed by what this line completed: a report that ended, or a panic that followed.
    std::vector<Incident> push_line(std::string_view raw);

    // Completes a pending report: at end of input, or after an idle timeout (the kernel
    // prints a report in one go, so a silent second means it is complete).
    std::vector<Incident> flush();

    bool report_pending() const { return pending_.has_value(); }
    // Every incident so far, in order of first report.
    const std::vector<Incident>& incidents() const { return incidents_; }
    // Lines without a kernel prefix skipped inside a report (serial noise).
    uint64_t noise_lines() const { return noise_lines_; }

  private:
    std::vector<Incident> complete_report();
    std::vector<Incident> handle_idle_line(const LogLine& line);
    std::vector<Incident> on_panic(const LogLine& line);
    std::vector<Incident> on_module_incident(Incident in);
    void start_new_boot();

    LogContext ctx_;
    std::optional<HungTaskReport> pending_;
    std::vector<Incident> incidents_;
    std::map<std::string, size_t> by_key_;  // coalescing key -> index in incidents_
    // hungtask.ko's records, and the keys the kernel's own report was seen for (its
    // later reports count as repeats; the module's record never does).
    ModuleRecordAssembler module_records_;
    std::set<std::string> kernel_reported_;
    BootFacts boot_;
    int boot_ordinal_ = 0;
    bool boot_has_lines_ = false;
    std::optional<double> last_ts_;
    std::optional<double> last_report_ts_;
    std::optional<double> boot_wall_;          // Unix time at uptime 0 of this boot
    std::optional<std::string> pending_wall_;  // ISO time of the pending report's first line
    std::optional<std::string> wall_of(const LogLine& line) const;
    bool prev_was_kmsg_ = false;
    bool seen_kernel_prefix_ = false;
    uint64_t noise_lines_ = 0;
    uint64_t next_seq_ = 1;
};

// Parses a whole log.  Incidents come in order of their first report; ids are
// "<boot id prefix>-<seq>" ("noboot-<seq>" when the boot id is unknown).  Decoding only:
// the verdict is left to the ingest stage (ingest/pipeline.hpp).
std::vector<Incident> parse_kernel_log(std::string_view text, const LogContext& ctx);

}  // namespace hungtask
