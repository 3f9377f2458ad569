#include "decode/kernel_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "ingest/pipeline.hpp"
#include "model/coalesce.hpp"
#include "model/frames.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::fixture;

// As scan-log reads a file: the parser, then the ingest stage's explain step.
std::vector<Incident> parse_fixture(const std::string& rel, std::optional<std::string> boot = {}) {
    return explain_all(parse_kernel_log(fixture(rel), LogContext{"log:" + rel, boot}),
                       Origin::log_file);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(KernelLog, Console61TwoVictimsAndCoalescedRereport) {
    auto incidents = parse_fixture("logs/hung-6.1-console.log");
    ASSERT_EQ(incidents.size(), 2u);

    const Incident& acme = incidents[0];
    EXPECT_EQ(acme.trigger, Trigger::hung_task);
    EXPECT_EQ(acme.id, "noboot-1");
    EXPECT_EQ(acme.seq, 1u);
    EXPECT_EQ(acme.boot_id, std::nullopt);
    EXPECT_EQ(acme.detected_at, std::nullopt) << "a log gives no wall-clock time";
    EXPECT_EQ(acme.source, "log:logs/hung-6.1-console.log");
    EXPECT_EQ(acme.repeats, 2) << "the 14.2 s re-report of pid 123 coalesces";
    EXPECT_FALSE(acme.panicked);
    ASSERT_TRUE(acme.first_seen_uptime_s);
    EXPECT_DOUBLE_EQ(*acme.first_seen_uptime_s, 9.123456);
    EXPECT_DOUBLE_EQ(*acme.last_seen_uptime_s, 14.201337);
    ASSERT_EQ(acme.victims.size(), 1u);
    const Victim& v = acme.victims[0];
    EXPECT_EQ(v.comm, "acme-sync");
    EXPECT_EQ(v.pid, 123);
    EXPECT_EQ(v.state, "D");
    EXPECT_EQ(v.ppid, 1);
    EXPECT_EQ(v.tgid, std::nullopt) << "6.1 does not print tgid";
    EXPECT_EQ(v.blocked_s, 10) << "latest report's blocked time";
    EXPECT_EQ(v.syscall, "write") << "ORIG_RAX 1 on a 64-bit user frame";
    ASSERT_EQ(v.stack.size(), 10u);
    EXPECT_EQ(v.stack.front(), "__schedule+0x34d/0x9e0");
    EXPECT_EQ(v.stack[5], "acme_sync_write+0x33/0x60 [acme_drv]");
    EXPECT_EQ(v.stack.back(), "entry_SYSCALL_64_after_hwframe+0x64/0xce");
    for (const auto& f : v.stack)
        EXPECT_FALSE(f.starts_with("?")) << f;
    EXPECT_EQ(v.stack_unreliable.size(), 4u);
    EXPECT_TRUE(contains(v.stack_unreliable, "__flush_work.isra.0+0x8a/0x290"));
    EXPECT_EQ(blocked_in(v), "__flush_work");

    EXPECT_EQ(acme.host.kernel_release, "6.1.0-56-amd64");
    EXPECT_EQ(acme.host.taint, "O");
    EXPECT_EQ(acme.host.preemption, "none");
    EXPECT_EQ(acme.host.watchdog, 0) << "nowatchdog on the command line";
    EXPECT_EQ(acme.host.hung_task_timeout_secs, 5);
    EXPECT_EQ(acme.host.hung_task_panic, std::nullopt);
    EXPECT_EQ(acme.host.out_of_tree_modules, std::nullopt);
    EXPECT_TRUE(acme.chain.empty());
    EXPECT_EQ(acme.verdict.kind, VerdictKind::unknown);
    EXPECT_EQ(acme.verdict.culprit, std::nullopt);
    EXPECT_EQ(acme.verdict.summary,
              "kernel hung-task report only: victim acme-sync (pid 123) blocked for more than "
              "10 s in __flush_work (syscall write); no chain was captured");

    const Incident& systemd = incidents[1];
    EXPECT_EQ(systemd.id, "noboot-2");
    EXPECT_EQ(systemd.repeats, 1);
    EXPECT_EQ(systemd.victims[0].comm, "systemd");
    EXPECT_EQ(systemd.victims[0].pid, 1);
    EXPECT_EQ(systemd.victims[0].ppid, 0);
    EXPECT_EQ(systemd.victims[0].syscall, "rmdir") << "ORIG_RAX 0x54, as in the seed case";
    EXPECT_TRUE(contains(systemd.victims[0].stack, "cgroup_rmdir+0x3c/0x120"));
}

TEST(KernelLog, Console612KthreadVictimAndPanic) {
    auto incidents =
        parse_fixture("logs/hung-6.12-console.log", "6f1d7c3a-1111-4a4a-9b9b-0123456789ab");
    ASSERT_EQ(incidents.size(), 2u) << "the panic's own Call Trace is not a report";

    const Incident& kw = incidents[0];
    EXPECT_EQ(kw.id, "6f1d7c3a-1");
    EXPECT_EQ(kw.boot_id, "6f1d7c3a-1111-4a4a-9b9b-0123456789ab");
    const Victim& v = kw.victims[0];
    EXPECT_EQ(v.comm, "kworker/0:2") << "a comm with ':' in it";
    EXPECT_EQ(v.pid, 57);
    EXPECT_EQ(v.tgid, 57);
    EXPECT_EQ(v.ppid, 2);
    EXPECT_EQ(v.blocked_s, 7);
    EXPECT_EQ(v.workqueue, "events acme_work_fn [acme_drv]");
    EXPECT_EQ(v.syscall, std::nullopt) << "a kernel thread makes no syscall";
    EXPECT_EQ(blocked_in(v), "__mutex_lock");
    EXPECT_EQ(v.stack.size(), 10u);
    EXPECT_EQ(v.stack_unreliable.size(), 3u);
    EXPECT_TRUE(kw.panicked);
    EXPECT_EQ(kw.host.kernel_release, "6.12.117+deb12-amd64");
    EXPECT_EQ(kw.host.taint, "O");
    EXPECT_EQ(kw.host.preemption, "voluntary");
    EXPECT_EQ(kw.host.hung_task_panic, 1);
    EXPECT_EQ(kw.host.watchdog, std::nullopt);
    EXPECT_NE(kw.verdict.summary.find("the kernel then panicked"), std::string::npos);

    const Incident& acme = incidents[1];
    EXPECT_EQ(acme.victims[0].comm, "acme-sync");
    EXPECT_EQ(acme.victims[0].tgid, 131);
    EXPECT_EQ(acme.victims[0].syscall, "write");
    EXPECT_EQ(blocked_in(acme.victims[0]), "__flush_work");
    EXPECT_TRUE(acme.panicked);
}

TEST(KernelLog, KmsgRecordsWithDictionaryLines) {
    auto incidents = parse_fixture("logs/hung-6.12-kmsg.txt");
    ASSERT_EQ(incidents.size(), 1u);
    const Incident& in = incidents[0];
    EXPECT_EQ(in.repeats, 2);
    EXPECT_EQ(in.victims[0].blocked_s, 11);
    EXPECT_EQ(in.victims[0].pid, 131);
    EXPECT_EQ(in.victims[0].syscall, "write");
    EXPECT_EQ(in.victims[0].stack.size(), 10u);
    EXPECT_DOUBLE_EQ(*in.first_seen_uptime_s, 8.41523);
    EXPECT_DOUBLE_EQ(*in.last_seen_uptime_s, 13.5);
    EXPECT_EQ(in.host.kernel_release, "6.12.117+deb12-amd64");
}

TEST(KernelLog, PstoreDumpAfterHungTaskPanic) {
    auto incidents = parse_fixture("logs/pstore-6.1-dmesg-ramoops-0");
    ASSERT_EQ(incidents.size(), 1u);
    const Incident& in = incidents[0];
    EXPECT_EQ(in.victims[0].comm, "systemd");
    EXPECT_EQ(in.victims[0].blocked_s, 120);
    EXPECT_EQ(in.victims[0].syscall, "rmdir");
    EXPECT_TRUE(in.panicked);
    EXPECT_EQ(in.host.taint, "") << "\"Not tainted\" is a known, empty taint";
    EXPECT_EQ(in.host.kernel_release, "6.1.0-56-amd64");
    EXPECT_DOUBLE_EQ(*in.first_seen_uptime_s, 245.002113);
}

TEST(KernelLog, PstoreTailWithOnlyThePanic) {
    auto incidents = parse_fixture("logs/pstore-truncated-dmesg-ramoops-0");
    ASSERT_EQ(incidents.size(), 1u);
    const Incident& in = incidents[0];
    EXPECT_EQ(in.trigger, Trigger::panic);
    EXPECT_TRUE(in.victims.empty()) << "no victim is invented";
    EXPECT_TRUE(in.panicked);
    EXPECT_EQ(in.verdict.kind, VerdictKind::unknown);
    EXPECT_NE(in.verdict.summary.find("no hung-task report was in the log"), std::string::npos);
}

TEST(KernelLog, SerialNoiseDoesNotBreakReports) {
    auto clean = parse_fixture("logs/hung-6.1-console.log");
    KernelLogFeeder feeder(LogContext{"log:serial", std::nullopt});
    std::string text = fixture("logs/serial-garbage-6.1.log");
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos)
            nl = text.size();
        (void)feeder.push_line(std::string_view(text).substr(start, nl - start));
        start = nl + 1;
    }
    (void)feeder.flush();
    const auto& noisy = feeder.incidents();
    ASSERT_EQ(noisy.size(), clean.size());
    EXPECT_EQ(noisy[0].victims[0].stack, clean[0].victims[0].stack);
    EXPECT_EQ(noisy[0].repeats, 2) << "the torn 'echo ...[ts] INFO: task' line still counts";
    EXPECT_EQ(noisy[1].victims[0].syscall, "rmdir");
    EXPECT_GE(feeder.noise_lines(), 3u);
}

TEST(KernelLog, TruncatedReportKeepsWhatWasPrinted) {
    auto incidents = parse_fixture("logs/truncated-6.12.log");
    ASSERT_EQ(incidents.size(), 1u);
    const Victim& v = incidents[0].victims[0];
    EXPECT_EQ(v.comm, "kworker/0:2");
    EXPECT_EQ(v.stack.size(), 3u);
    EXPECT_EQ(v.stack.back(), "schedule_preempt_disabled+0x15/0x30");
    EXPECT_FALSE(incidents[0].panicked);
}

TEST(KernelLog, DmesgWithoutTimestamps) {
    // dmesg -t: strip "[    9.123456] " from every console line.
    std::string text = std::regex_replace(fixture("logs/hung-6.1-console.log"),
                                          std::regex(R"(\[ *[0-9]+\.[0-9]{6}\] )"), "");
    auto incidents = parse_kernel_log(text, LogContext{"log:dmesg", std::nullopt});
    ASSERT_EQ(incidents.size(), 2u);
    EXPECT_EQ(incidents[0].repeats, 2);
    EXPECT_EQ(incidents[0].first_seen_uptime_s, std::nullopt);
    EXPECT_EQ(incidents[0].victims[0].stack.size(), 10u);
    EXPECT_EQ(incidents[1].victims[0].syscall, "rmdir");
}

TEST(KernelLog, JournalctlKernelLines) {
    std::string text = std::regex_replace(fixture("logs/hung-6.1-console.log"),
                                          std::regex(R"(\[ *[0-9]+\.[0-9]{6}\] )"),
                                          "Nov 25 06:51:00 guest kernel: ");
    auto incidents = parse_kernel_log(text, LogContext{"log:journal", std::nullopt});
    ASSERT_EQ(incidents.size(), 2u);
    EXPECT_EQ(incidents[0].victims[0].stack.size(), 10u);
}

// Wall clocks in the log become the incident's detection time (UTC).
TEST(KernelLog, LogTimestampsBecomeDetectedAt) {
    const std::string console = fixture("logs/hung-6.1-console.log");
    auto with_prefix = [&](const std::string& prefix) {
        std::string text =
            std::regex_replace(console, std::regex(R"(\[ *[0-9]+\.[0-9]{6}\] )"), prefix);
        return parse_kernel_log(text, LogContext{"log:t", std::nullopt});
    };
    struct Case {
        const char* prefix;
        const char* want;
    } cases[] = {
        {"2025-11-25T07:51:00+0100 guest kernel: ", "2025-11-25T06:51:00Z"},  // short-iso
        {"2025-11-25T06:51:00.123456+00:00 guest kernel: ", "2025-11-25T06:51:00Z"},
        {"2025-11-25T06:51:00,123456+00:00 ", "2025-11-25T06:51:00Z"},  // dmesg iso
    };
    for (const auto& c : cases) {
        auto incidents = with_prefix(c.prefix);
        ASSERT_EQ(incidents.size(), 2u) << c.prefix;
        EXPECT_EQ(incidents[0].detected_at, c.want) << c.prefix;
        EXPECT_EQ(incidents[0].victims[0].stack.size(), 10u) << c.prefix;
    }
    // Console printk times plus a known boot time (--boot-time, or the rtc line).
    auto booted = parse_kernel_log(console, LogContext{"log:c", std::nullopt, 1764052800.0});
    ASSERT_EQ(booted.size(), 2u);
    EXPECT_EQ(booted[0].detected_at, "2025-11-25T06:40:09Z");  // 1764052800 + 9.12 s
    std::string rtc = console;
    rtc.insert(rtc.find('\n') + 1,
               "[    1.500000] rtc_cmos 00:05: setting system clock to "
               "2025-11-25T06:40:01 UTC (1764052801)\n");
    auto clocked = parse_kernel_log(rtc, LogContext{"log:r", std::nullopt});
    ASSERT_EQ(clocked.size(), 2u);
    EXPECT_EQ(clocked[0].detected_at, "2025-11-25T06:40:08Z");
}

TEST(KernelLog, FeederCompletesAtEndOfTaskMarker) {
    KernelLogFeeder feeder(LogContext{"kmsg", "abcdef01-2345"});
    std::string text = fixture("logs/hung-6.12-kmsg.txt");
    std::vector<std::pair<std::string, std::vector<Incident>>> events;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl - start);
        auto changed = feeder.push_line(line);
        if (!changed.empty())
            events.emplace_back(line, changed);
        start = nl + 1;
    }
    ASSERT_EQ(events.size(), 2u) << "one event per completed report";
    EXPECT_TRUE(events[0].first.ends_with("; </TASK>"));
    EXPECT_EQ(events[0].second[0].repeats, 1);
    EXPECT_EQ(events[0].second[0].id, "abcdef01-1");
    EXPECT_EQ(events[1].second[0].repeats, 2);
    EXPECT_EQ(events[1].second[0].id, "abcdef01-1");
    EXPECT_FALSE(feeder.report_pending());
}

TEST(KernelLog, FeederFlushCompletesPendingReport) {
    KernelLogFeeder feeder(LogContext{"kmsg", std::nullopt});
    EXPECT_TRUE(feeder.push_line("[    5.000000] INFO: task dd:77 blocked for more than 5 seconds.")
                    .empty());
    EXPECT_TRUE(feeder
                    .push_line("[    5.000100] task:dd              state:D stack:0     pid:77    "
                               "ppid:1      flags:0x00000000")
                    .empty());
    EXPECT_TRUE(feeder.push_line("[    5.000200]  io_schedule+0x46/0x70").empty());
    EXPECT_TRUE(feeder.report_pending());
    auto done = feeder.flush();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].victims[0].comm, "dd");
    EXPECT_EQ(done[0].victims[0].stack, std::vector<std::string>{"io_schedule+0x46/0x70"});
    EXPECT_FALSE(feeder.report_pending());
}

TEST(KernelLog, FirstUnrelatedKernelLineEndsReport) {
    KernelLogFeeder feeder(LogContext{"kmsg", std::nullopt});
    (void)feeder.push_line("[    5.000000] INFO: task dd:77 blocked for more than 5 seconds.");
    (void)feeder.push_line("[    5.000200]  io_schedule+0x46/0x70");
    auto done = feeder.push_line("[    5.100000] virtio_net virtio0 enp0s3: renamed from eth0");
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].victims[0].pid, 77);
}

TEST(KernelLog, DistinctTasksAndBootsAreNotCoalesced) {
    std::string one =
        "[    5.000000] INFO: task worker:10 blocked for more than 5 seconds.\n"
        "[    5.000100]  io_schedule+0x46/0x70\n"
        "[    6.000000] INFO: task worker:11 blocked for more than 5 seconds.\n"
        "[    6.000100]  io_schedule+0x46/0x70\n"
        "[    7.000000] INFO: task worker:10 blocked for more than 7 seconds.\n"
        "[    7.000100]  io_schedule+0x46/0x70\n"
        "[    0.000000] Linux version 6.1.0-56-amd64 (x) #1 SMP\n"
        "[    5.000000] INFO: task worker:10 blocked for more than 5 seconds.\n";
    auto incidents = parse_kernel_log(one, LogContext{"log:x", std::nullopt});
    ASSERT_EQ(incidents.size(), 3u);
    EXPECT_EQ(incidents[0].victims[0].pid, 10);
    EXPECT_EQ(incidents[0].repeats, 2);
    EXPECT_EQ(incidents[1].victims[0].pid, 11);
    EXPECT_EQ(incidents[2].victims[0].pid, 10) << "same pid after a reboot is a new incident";
    EXPECT_EQ(incidents[2].host.kernel_release, "6.1.0-56-amd64");
}

TEST(KernelLog, CompatTaskSyscallComesFromTheEntryFrame) {
    std::string log =
        "INFO: task old32:300 blocked for more than 5 seconds.\n"
        " __schedule+0x34d/0x9e0\n"
        " __ia32_sys_fsync+0x10/0x20\n"
        " __do_fast_syscall_32+0x60/0xf0\n"
        "RIP: 0023:0xf7f4e549\n"
        "RSP: 002b:00000000ffb1c8ac EFLAGS: 00000246 ORIG_RAX: 0000000000000076\n"
        " </TASK>\n";
    auto incidents = parse_kernel_log(log, LogContext{"log:x", std::nullopt});
    ASSERT_EQ(incidents.size(), 1u);
    EXPECT_EQ(incidents[0].victims[0].syscall, "fsync")
        << "i386 number 0x76 must not be looked up in the x86_64 table";
}

TEST(KernelLog, TaintLineVariants) {
    auto release_of = [](const std::string& taint_line) {
        std::string log =
            "INFO: task t:1 blocked for more than 5 seconds.\n" + taint_line + "\n </TASK>\n";
        auto in = parse_kernel_log(log, LogContext{"log:x", std::nullopt});
        EXPECT_EQ(in.size(), 1u);
        return in.empty() ? Host{} : in[0].host;
    };
    Host h = release_of("      Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2");
    EXPECT_EQ(h.kernel_release, "6.1.0-56-amd64");
    EXPECT_EQ(h.taint, "");
    h = release_of("      Tainted: P        W  O       6.12.117+deb12-amd64 #1");
    EXPECT_EQ(h.kernel_release, "6.12.117+deb12-amd64");
    EXPECT_EQ(h.taint, "PWO");
    h = release_of("      Tainted: maybe garbage");
    EXPECT_EQ(h.kernel_release, std::nullopt);
    EXPECT_EQ(h.taint, std::nullopt);
}

// Real serial console captures from the VM bench (Debian 6.1.192 and 6.12.117, seed-like
// scenario: acme-sync blocked in flush_work behind a CPU hog).
TEST(KernelLog, RealCapturedSeedLogs) {
    struct Case {
        const char* file;
        int64_t pid;
        const char* release;
        const char* blocked_in;
        size_t frames;
    } cases[] = {
        {"kernel-logs/seed-6.1-console.txt", 130, "6.1.0-56-amd64", "flush_work", 11},
        {"kernel-logs/seed-6.12-console.txt", 179, "6.12.117+deb12-amd64", "__flush_work", 11},
    };
    for (const auto& c : cases) {
        auto incidents = parse_fixture(c.file);
        ASSERT_EQ(incidents.size(), 1u) << c.file;
        const Incident& in = incidents[0];
        const Victim& v = in.victims[0];
        EXPECT_EQ(v.comm, "acme-sync") << c.file;
        EXPECT_EQ(v.pid, c.pid) << c.file;
        EXPECT_EQ(v.state, "D") << c.file;
        EXPECT_EQ(v.syscall, "write") << c.file;
        EXPECT_EQ(blocked_in(v), c.blocked_in) << c.file;
        EXPECT_EQ(v.stack.size(), c.frames) << c.file;
        EXPECT_TRUE(v.stack[5].ends_with(" [acme_drv]")) << c.file << ": " << v.stack[5];
        EXPECT_EQ(in.repeats, 2) << c.file;
        EXPECT_EQ(in.host.kernel_release, c.release) << c.file;
        EXPECT_EQ(in.host.taint, "OE") << c.file;
        EXPECT_EQ(in.host.preemption, "none") << c.file;
        EXPECT_EQ(in.host.watchdog, 0) << c.file;
        EXPECT_EQ(in.host.hung_task_timeout_secs, 5) << c.file;
        EXPECT_FALSE(in.panicked) << c.file;
    }
}

// Format v2: the module prints its record later, from another CPU. Its lines may land
// inside the kernel's report (which must not end there), and at a panic they come after
// the panic line (the notifier). One incident, with the kernel's stack and the chain; the
// record is a capture, not another report (repeats counts the detector's reports).
TEST(KernelLog, V2RecordInsideTheKernelReportAndAfterThePanic) {
    const std::string report =
        "[    9.123456] INFO: task acme-sync:130 blocked for more than 5 seconds.\n"
        "[    9.123767]       Tainted: G           OE      6.1.0-56-amd64 #1 Debian 6.1.192-2\n"
        "[    9.124078] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this "
        "message.\n"
        "[    9.124389] task:acme-sync       state:D stack:0     pid:130   ppid:1      "
        "flags:0x00004002\n"
        "[    9.124700] Call Trace:\n"
        "[    9.125011]  <TASK>\n"
        "[    9.125322]  __schedule+0x34d/0x9e0\n"
        "@MODULE@"
        "[    9.127188]  __flush_work.isra.0+0x1a8/0x290\n"
        "[    9.127810]  acme_sync_write+0x33/0x60 [acme_drv]\n"
        "[    9.129365]  entry_SYSCALL_64_after_hwframe+0x64/0xce\n"
        "[    9.129676] RIP: 0033:0x7f3c2e8f1f33\n"
        "[    9.129987] RSP: 002b:00007ffd8d6c2a48 EFLAGS: 00000246 ORIG_RAX: 0000000000000001\n"
        "[    9.130100]  </TASK>\n";
    const char* v2[] = {
        "hungtask: v2 seq=3 begin trigger=hung_task boot=unknown time_ns=1795590859049866000 "
        "capture_ns=1500 victim_ns=500 tasks_walked=120 walk_truncated=0",
        "hungtask: v2 seq=3 victim pid=130 tgid=130 comm=\"acme-sync\" state=D cpu=0 kthread=0",
        "hungtask: v2 seq=3 syscall blocked_s=5 nr=1 path=\"\" cgroup=\"/\"",
        "hungtask: v2 seq=3 hop i=0 kind=flush_work verified=1 pool_cpu=1 wq=\"events\" "
        "target_state=pending reason=\"\" target_fn=\"acme_sync_work+0x0/0x18 [acme_drv]\"",
        "hungtask: v2 seq=3 end hops=1 truncated=0 release=\"6.1.0-56-amd64\" preempt=none "
        "watchdog=0 hung_task_panic=1 taint=0x3000 oot=\"acme_drv\""};
    std::string inside, after;
    for (const char* l : v2) {
        inside += std::string("[    9.126000] ") + l + "\n";
        after += std::string("[   10.200000] ") + l + "\n";
    }
    std::string text = report;
    text.replace(text.find("@MODULE@"), 8, inside);
    // The next pass reports it again: two reports.
    std::string second = report;
    second.replace(second.find("@MODULE@"), 8, "");
    text += std::regex_replace(second, std::regex("\\[    9\\."), "[   10.");
    auto in_report = parse_kernel_log(text, LogContext{"log:x", std::nullopt});
    ASSERT_EQ(in_report.size(), 1u);
    EXPECT_EQ(in_report[0].repeats, 2);
    // No vstack in this record: the stack is the kernel's, all of it (the report was not
    // ended by the module's lines inside it).
    EXPECT_EQ(in_report[0].victims[0].stack.size(), 4u);
    ASSERT_EQ(in_report[0].chain.size(), 1u);
    EXPECT_EQ(in_report[0].chain[0].kind(), "flush_work");

    std::string panic = report;
    panic.replace(panic.find("@MODULE@"), 8, "");
    panic += "[   10.100000] Kernel panic - not syncing: hung_task: blocked tasks\n" + after;
    auto at_panic = parse_kernel_log(panic, LogContext{"log:x", std::nullopt});
    ASSERT_EQ(at_panic.size(), 1u);
    EXPECT_EQ(at_panic[0].repeats, 1);
    EXPECT_TRUE(at_panic[0].panicked);
    EXPECT_EQ(at_panic[0].victims[0].stack.size(), 4u);
    ASSERT_EQ(at_panic[0].chain.size(), 1u);
    EXPECT_EQ(test::fields(at_panic[0].chain[0])["target_function"], "acme_sync_work");
}

TEST(KernelLog, ClassifiesLineForms) {
    LogLine l = classify_line("6,1234,5678901,-;task:x state:D", false);
    EXPECT_EQ(l.form, LogLine::Form::kmsg);
    EXPECT_EQ(l.level, 6);
    EXPECT_DOUBLE_EQ(*l.ts, 5.678901);
    EXPECT_EQ(l.msg, "task:x state:D");

    EXPECT_EQ(classify_line(" SUBSYSTEM=pci", true).form, LogLine::Form::skip);
    EXPECT_NE(classify_line(" SUBSYSTEM=pci", false).form, LogLine::Form::skip)
        << "only a kmsg record has dictionary lines";
    EXPECT_EQ(classify_line(" __schedule+0x1/0x2", true).form, LogLine::Form::plain);
    EXPECT_EQ(classify_line("Panic#1 Part1", false).form, LogLine::Form::skip);
    EXPECT_EQ(classify_line("Oops#12 Part3\r", false).form, LogLine::Form::skip);

    l = classify_line("<3>[  245.002113] INFO: x", false);
    EXPECT_EQ(l.form, LogLine::Form::pstore);
    EXPECT_EQ(l.level, 3);
    EXPECT_DOUBLE_EQ(*l.ts, 245.002113);
    EXPECT_EQ(l.msg, "INFO: x");

    l = classify_line("[   12.345678] [  T123]  schedule+0x5a/0xd0\r", false);
    EXPECT_EQ(l.form, LogLine::Form::console);
    EXPECT_EQ(l.msg, " schedule+0x5a/0xd0");

    l = classify_line("login: [   12.345678] INFO: y", false);
    EXPECT_TRUE(l.kernel_prefixed);
    EXPECT_EQ(l.msg, "INFO: y");

    l = classify_line("[ 12.3] not a printk timestamp", false);
    EXPECT_FALSE(l.kernel_prefixed);
}

TEST(KernelLog, GarbageNeverCrashesOrInventsIncidents) {
    const std::string cases[] = {
        "",
        "\n\n\n",
        "INFO: task :\n",
        "INFO: task x:abc blocked for more than 5 seconds.\n",
        "INFO: task x:5 blocked for more than seconds.\n",
        "INFO: task x:-5 blocked for more than 5 seconds.\n",
        "INFO: task blocked for more than 5 seconds.\n",
        "99999999999999999999999,1,1,-;x\n",
        "1,2,3;\n",
        "<99999>[ 1.000000] x\n",
        "[99999999999999.999999] x\n",
        std::string(100000, '['),
        std::string("\xff\xfe\x00\x01[   1.000000]\x80", 18),
        "task:x state:D pid:1\n </TASK>\n Call Trace:\n",
    };
    for (const auto& c : cases) {
        auto incidents = parse_kernel_log(c, LogContext{"log:x", std::nullopt});
        EXPECT_TRUE(incidents.empty()) << "input: " << c.substr(0, 60);
    }
}

TEST(KernelLog, InvalidUtf8InCommIsSanitized) {
    std::string log = "INFO: task bad\xff\xfe:9 blocked for more than 5 seconds.\n </TASK>\n";
    auto incidents = parse_kernel_log(log, LogContext{"log:x", std::nullopt});
    ASSERT_EQ(incidents.size(), 1u);
    EXPECT_EQ(incidents[0].victims[0].comm, "bad??");
    EXPECT_NO_THROW((void)dump_json(to_json(incidents)));
}

TEST(KernelLog, BootPrefix) {
    EXPECT_EQ(boot_prefix(std::nullopt), "noboot");
    EXPECT_EQ(boot_prefix("6F1D7C3A-1111-4a4a"), "6f1d7c3a");
    EXPECT_EQ(boot_prefix("--"), "noboot");
}

}  // namespace
}  // namespace hungtask

namespace hungtask {
namespace {

// The seed's v2 record of seq 1 with a "victims" line after its victim line, and, if
// given, an "update" line after its end line (same timestamp prefix).
std::vector<Incident> seed_with_coalescing_lines(const std::string& victims,
                                                 const std::string& update) {
    std::string text;
    std::string in = test::fixture("kernel-logs/module-seed-v2-6.1-console.txt");
    std::istringstream lines(in);
    std::string l;
    while (std::getline(lines, l)) {
        text += l + "\n";
        auto at = l.find("hungtask: v2 seq=1 ");
        if (at == std::string::npos)
            continue;
        std::string ts = l.substr(0, at);
        if (l.find(" victim pid=") != std::string::npos)
            text += ts + victims + "\n";
        if (l.find(" end ") != std::string::npos && !update.empty())
            text += ts + update + "\n";
    }
    return parse_kernel_log(text, LogContext{"log:t", std::nullopt});
}

// Coalescing in the kernel log (module/kmsg.c): a record's "victims" line, and a later
// one-line "update" record (new seq, same first_seq) that raises the victim count of the
// incident first printed as first_seq.
TEST(KernelLog, ModuleUpdateLineRaisesTheVictimCountOfItsIncident) {
    auto incidents = seed_with_coalescing_lines(
        "hungtask: v2 seq=1 victims first_seq=1 instance=00000000000000ab count=1 sample=\"\"",
        "hungtask: v2 seq=5 update first_seq=1 instance=00000000000000ab count=200 "
        "sample=\"300:m200-w\",\"301:m200-w\"");
    ASSERT_FALSE(incidents.empty());
    const Incident& first = incidents[0];
    EXPECT_EQ(first.victims.at(0).comm, "kworker/0:0");
    EXPECT_EQ(first.victim_count, 200);
    ASSERT_TRUE(first.victim_sample);
    ASSERT_EQ(first.victim_sample->size(), 2u);
    EXPECT_EQ((*first.victim_sample)[1].pid, 301);
    EXPECT_EQ(first.capture["module_seq"], 5);
    EXPECT_EQ(first.capture["first_seq"], 1);
    EXPECT_TRUE(first.boot_id.has_value());
    for (size_t i = 1; i < incidents.size(); i++)
        EXPECT_NE(module_first_seq(incidents[i]), std::optional<uint64_t>(1));
}

// A count below 1 in a record is no count: dropped at parsing, so the stored record never
// carries it (the store's reader refuses victim_count 0).
TEST(KernelLog, AVictimCountOfZeroIsDroppedAtParsing) {
    auto incidents = seed_with_coalescing_lines(
        "hungtask: v2 seq=1 victims first_seq=1 instance=00000000000000ab count=0 sample=\"\"", "");
    ASSERT_FALSE(incidents.empty());
    EXPECT_EQ(incidents[0].victims.at(0).comm, "kworker/0:0");
    EXPECT_FALSE(incidents[0].victim_count.has_value());
    for (const Incident& i : incidents)
        EXPECT_TRUE(!i.victim_count || *i.victim_count >= 1);
}

}  // namespace
}  // namespace hungtask
