// hungtask.ko's kmsg records v1 and v2: parsing lines, assembling incidents, and the real
// records captured from the seed look-alike in 6.1 and 6.12 guests.
#include "decode/kmsg_record.hpp"

#include <gtest/gtest.h>

#include "ingest/pipeline.hpp"
#include "decode/kernel_log.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::fixture;

const char* kRecord[] = {
    "hungtask: v1 seq=7 begin trigger=hung_task boot=0123abcd-1111-2222-3333-444455556666 "
    "time_ns=1795590859049866000 capture_ns=1500 victim_ns=500 tasks_walked=120 "
    "walk_truncated=0",
    "hungtask: v1 seq=7 victim pid=130 tgid=130 comm=\"acme sync\" state=D flags=0x400000 cpu=0 "
    "on_cpu=0 on_rq=0 policy=0 prio=120 kthread=0 runtime_ns=1 since_arrival_ns=2 queued_ns=0 "
    "run_delay_ns=3 nvcsw=1 nivcsw=1 fn=\"0x0\"",
    "hungtask: v1 seq=7 syscall blocked_s=5 nr=84 args=0x1,0x2,0x3,0x4,0x5,0x6 "
    "path=\"/sys/fs/cgroup/sysstat.service\" cgroup=\"/\"",
    "hungtask: v1 seq=7 vstack i=0 fn=\"flush_work+0x5c/0x90\"",
    "hungtask: v1 seq=7 vstack i=1 fn=\"acme_sync_write+0x3a/0x50 [acme_drv]\"",
    "hungtask: v1 seq=7 hop i=0 kind=flush_work verified=1 barrier=ffffd38800417af0 "
    "pwq=ffff8ec99f337900 pool=ffff8ec99f331640 pool_cpu=3 pool_id=6 wq=\"events\" "
    "target=ffffffffc0376020 target_state=pending executing_pid=0 reason=\"\" "
    "target_fn=\"acme_sync_work+0x0/0x18 [acme_drv]\" future_key=ignored",
    "hungtask: v1 seq=7 hop i=1 kind=worker verified=1 pool_member=1 runs_target=0 reason=\"\"",
    "hungtask: v1 seq=7 worker pid=41 tgid=41 comm=\"kworker/3:2\" state=R flags=0x4208060 "
    "cpu=3 on_cpu=0 on_rq=1 policy=0 prio=120 kthread=1 runtime_ns=14960319 "
    "since_arrival_ns=7896898341 queued_ns=6409738559 run_delay_ns=36119789 nvcsw=24 nivcsw=1 "
    "fn=\"worker_thread\"",
    "hungtask: v1 seq=7 hop i=2 kind=cpu verified=1 cpu=3 have_hog=1 hog_source=ipi "
    "runq_total=2 runq_walked=120 runq_truncated=0 ipi_ns=541220 stack_note=\"\" reason=\"\"",
    "hungtask: v1 seq=7 hog pid=120 tgid=120 comm=\"lo_poll\" state=R flags=0x4208040 cpu=3 "
    "on_cpu=1 on_rq=1 policy=0 prio=120 kthread=1 runtime_ns=1038000000000 "
    "since_arrival_ns=1038000000000 queued_ns=0 run_delay_ns=0 nvcsw=1 nivcsw=0 "
    "fn=\"lo_poll [lo_vendor]\"",
    "hungtask: v1 seq=7 hogstack i=0 fn=\"hungtask_ipi_handler+0x44/0x60 [hungtask]\"",
    "hungtask: v1 seq=7 hogstack i=1 fn=\"asm_sysvec_call_function_single+0x16/0x20\"",
    "hungtask: v1 seq=7 hogstack i=2 fn=\"lo_poll+0x5e/0x7f [lo_vendor]\"",
    "hungtask: v1 seq=7 runq pid=41 comm=\"kworker/3:2\" state=R queued_ns=6410032497",
    "hungtask: v1 seq=7 host release=\"6.1.0-56-amd64\" preempt=none watchdog=0 "
    "softlockup_panic=0 watchdog_thresh=10 hung_task_timeout_secs=120 hung_task_panic=1 "
    "taint=0x3000 sysctl_age_ms=10 oot=\"acme_drv,lo_vendor\"",
    "hungtask: v1 seq=7 end hops=3",
};

std::optional<Incident> feed(ModuleRecordAssembler& a, size_t skip = SIZE_MAX) {
    std::optional<Incident> out;
    for (size_t i = 0; i < std::size(kRecord); i++) {
        if (i == skip)
            continue;
        if (auto in = a.push(kRecord[i]))
            out = in;
    }
    if (out)  // the ingest stage's explain step, as the daemon runs it
        explain_incident(*out, Origin::kmsg);
    return out;
}

TEST(KmsgRecord, ParsesQuotedAndBareValues) {
    auto l = parse_module_record_line(kRecord[1]);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->version, 1);
    EXPECT_EQ(l->seq, 7u);
    EXPECT_EQ(l->record, "victim");
    EXPECT_EQ(l->fields.at("comm"), "acme sync");
    EXPECT_EQ(l->fields.at("state"), "D");
    EXPECT_EQ(l->fields.at("fn"), "0x0");
}

TEST(KmsgRecord, RejectsOtherLinesAndCutLines) {
    EXPECT_FALSE(parse_module_record_line("hungtask: loaded (kmsg format v1)"));
    EXPECT_FALSE(parse_module_record_line("INFO: task acme:1 blocked for more than 5 seconds."));
    EXPECT_FALSE(parse_module_record_line("hungtask: v1 seq=7 victim comm=\"cut in the mid"));
    EXPECT_FALSE(parse_module_record_line("hungtask: v1 seq=0 begin"));
    EXPECT_FALSE(parse_module_record_line("hungtask: v1 begin trigger=hung_task"));
}

TEST(KmsgRecord, AssemblesTheWholeChain) {
    ModuleRecordAssembler a;
    auto in = feed(a);
    ASSERT_TRUE(in);
    EXPECT_EQ(in->boot_id, "0123abcd-1111-2222-3333-444455556666");
    EXPECT_EQ(in->detected_at, "2026-11-25T07:14:19Z");
    EXPECT_EQ(in->capture["module_seq"], 7);
    EXPECT_EQ(in->capture["capture_ns"], 1500);
    ASSERT_EQ(in->victims.size(), 1u);
    const Victim& v = in->victims[0];
    EXPECT_EQ(v.comm, "acme sync");
    EXPECT_EQ(v.syscall, "rmdir");
    EXPECT_EQ(v.path, "/sys/fs/cgroup/sysstat.service");
    EXPECT_EQ(v.blocked_s, 5);
    EXPECT_EQ(v.cpu, 0);
    ASSERT_EQ(v.stack.size(), 2u);
    EXPECT_EQ(v.stack[1], "acme_sync_write+0x3a/0x50 [acme_drv]");

    ASSERT_EQ(in->chain.size(), 3u);
    const Hop& f = in->chain[0];
    EXPECT_EQ(f.kind(), "flush_work");
    EXPECT_TRUE(f.verified);
    EXPECT_EQ(test::fields(f)["pool_cpu"], 3);
    EXPECT_EQ(test::fields(f)["workqueue"], "events");
    EXPECT_EQ(test::fields(f)["target_function"], "acme_sync_work");
    EXPECT_EQ(test::fields(f)["target_module"], "acme_drv");
    EXPECT_EQ(test::fields(f)["target_state"], "pending");
    EXPECT_TRUE(test::fields(f)["executing_pid"].is_null());
    EXPECT_FALSE(test::fields(f).contains("future_key"));
    const Hop& w = in->chain[1];
    EXPECT_EQ(w.kind(), "worker");
    EXPECT_EQ(test::fields(w)["task"]["comm"], "kworker/3:2");
    EXPECT_EQ(test::fields(w)["task"]["on_rq"], true);
    EXPECT_EQ(test::fields(w)["task"]["function"], "worker_thread");
    EXPECT_TRUE(test::fields(w)["task"]["module"].is_null());
    const Hop& c = in->chain[2];
    EXPECT_EQ(c.kind(), "cpu");
    EXPECT_EQ(test::fields(c)["hog"]["comm"], "lo_poll");
    EXPECT_EQ(test::fields(c)["hog"]["module"], "lo_vendor");
    EXPECT_EQ(test::fields(c)["hog"]["nvcsw"], 1);
    // The IPI's own frames are cut: the stack starts where the hog spins.
    ASSERT_EQ(test::fields(c)["hog_stack"].size(), 1u);
    EXPECT_EQ(test::fields(c)["hog_stack"][0], "lo_poll+0x5e/0x7f [lo_vendor]");
    ASSERT_EQ(test::fields(c)["runq"].size(), 1u);
    EXPECT_EQ(test::fields(c)["runq"][0]["pid"], 41);

    EXPECT_EQ(in->host.watchdog, 0);
    EXPECT_EQ(in->host.watchdog_thresh, 10);
    EXPECT_EQ(in->host.hung_task_panic, 1);
    EXPECT_EQ(in->host.taint, "OE");
    EXPECT_EQ(in->host.out_of_tree_modules, (std::vector<std::string>{"acme_drv", "lo_vendor"}));
    EXPECT_EQ(in->verdict.kind, VerdictKind::runqueue_starvation);
}

// A compat victim: the number is named from its own ABI's table, never from x86_64's
// (ia32 #4 is write; x86_64 #4 would be stat), and a stack note reaches the record.
TEST(KmsgRecord, CompatSyscallAndStackNote) {
    auto run = [](const std::string& syscall_line, bool note) {
        ModuleRecordAssembler a;
        std::optional<Incident> out;
        for (size_t i = 0; i < std::size(kRecord); i++) {
            std::string line = i == 2 ? syscall_line : kRecord[i];
            if (auto in = a.push(line))
                out = in;
            if (i == 4 && note)
                (void)a.push(
                    "hungtask: v1 seq=7 stack_note text=\"acme sync[130]: woke or ran "
                    "during the stack read: result discarded\"");
        }
        return out;
    };
    auto ia32 =
        run("hungtask: v1 seq=7 syscall blocked_s=5 nr=4 abi=ia32 "
            "args=0x3,0x2,0x1,0x0,0x0,0x0 path=\"\" cgroup=\"/\"",
            true);
    ASSERT_TRUE(ia32);
    EXPECT_EQ(ia32->victims[0].syscall, "write");
    EXPECT_EQ(ia32->victims[0].syscall_abi, "ia32");
    EXPECT_EQ(ia32->capture.value("stack_note", ""),
              "acme sync[130]: woke or ran during the stack read: result discarded");
    auto unknown =
        run("hungtask: v1 seq=7 syscall blocked_s=5 nr=999 abi=ia32 "
            "args=0x0,0x0,0x0,0x0,0x0,0x0 path=\"\" cgroup=\"/\"",
            false);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->victims[0].syscall, "ia32 syscall 999");
    EXPECT_FALSE(unknown->capture.contains("stack_note"));
    auto x32 =
        run("hungtask: v1 seq=7 syscall blocked_s=5 nr=1 abi=x32 "
            "args=0x0,0x0,0x0,0x0,0x0,0x0 path=\"\" cgroup=\"/\"",
            false);
    ASSERT_TRUE(x32);
    EXPECT_EQ(x32->victims[0].syscall, "write");
    EXPECT_EQ(x32->victims[0].syscall_abi, "x32");
}

TEST(KmsgRecord, AnIncompleteRecordIsDroppedNotGuessed) {
    ModuleRecordAssembler a;
    // Without its "end" line nothing comes out, and the next begin drops it.
    for (size_t i = 0; i + 1 < std::size(kRecord); i++)
        EXPECT_FALSE(a.push(kRecord[i]));
    EXPECT_FALSE(a.push(kRecord[0]));
    EXPECT_EQ(a.dropped(), 1u);
    // Lines of another seq in the middle: dropped too.
    ModuleRecordAssembler b;
    b.push(kRecord[0]);
    b.push("hungtask: v1 seq=8 victim pid=1 comm=\"x\"");
    for (size_t i = 1; i < std::size(kRecord); i++)
        EXPECT_FALSE(b.push(kRecord[i]));
    EXPECT_EQ(b.dropped(), 1u);
}

TEST(KmsgRecord, UnknownVersionIsIgnored) {
    ModuleRecordAssembler a;
    EXPECT_FALSE(a.push("hungtask: v3 seq=1 begin trigger=hung_task"));
    EXPECT_FALSE(a.push("hungtask: v3 seq=1 end hops=0"));
}

// The same incident as kRecord in format v2 (module/kmsg.c): printed later, fewer and
// longer lines, the chain before the stacks, addresses hashed.
const char* kRecordV2[] = {
    "hungtask: v2 seq=7 begin trigger=hung_task boot=0123abcd-1111-2222-3333-444455556666 "
    "time_ns=1795590859049866000 capture_ns=1500 victim_ns=500 tasks_walked=120 "
    "walk_truncated=0",
    "hungtask: v2 seq=7 victim pid=130 tgid=130 comm=\"acme sync\" state=D flags=0x400000 cpu=0 "
    "on_cpu=0 on_rq=0 policy=0 prio=120 kthread=0 runtime_ns=1 since_arrival_ns=2 queued_ns=0 "
    "run_delay_ns=3 nvcsw=1 nivcsw=1 fn=\"0x0\"",
    "hungtask: v2 seq=7 syscall blocked_s=5 nr=84 args=0x1,0x2,0x3,0x4,0x5,0x6 "
    "path=\"/sys/fs/cgroup/sysstat.service\" cgroup=\"/\"",
    "hungtask: v2 seq=7 hop i=0 kind=flush_work verified=1 barrier=00000000a1b2c3d4 "
    "pwq=0000000011223344 pool=00000000deadbeef pool_cpu=3 pool_id=6 wq=\"events\" "
    "target=000000005566aabb target_state=pending executing_pid=0 reason=\"\" "
    "target_fn=\"acme_sync_work+0x0/0x18 [acme_drv]\" future_key=ignored",
    "hungtask: v2 seq=7 hop i=1 kind=worker verified=1 pool_member=1 runs_target=0 reason=\"\" "
    "pid=41 tgid=41 comm=\"kworker/3:2\" state=R flags=0x4208060 cpu=3 on_cpu=0 on_rq=1 "
    "policy=0 prio=120 kthread=1 runtime_ns=14960319 since_arrival_ns=7896898341 "
    "queued_ns=6409738559 run_delay_ns=36119789 nvcsw=24 nivcsw=1 fn=\"worker_thread\"",
    "hungtask: v2 seq=7 hop i=2 kind=cpu verified=1 cpu=3 have_hog=1 hog_source=ipi "
    "runq_total=2 runq_walked=120 runq_truncated=0 ipi_ns=541220 stack_note=\"\" reason=\"\" "
    "runq_pid=41,20 runq_state=R,R runq_queued_ns=6410032497,17 "
    "runq_comm=\"kworker/3:2\",\"ksoftirqd/3\"",
    "hungtask: v2 seq=7 hog hop=2 pid=120 tgid=120 comm=\"lo_poll\" state=R flags=0x4208040 "
    "cpu=3 on_cpu=1 on_rq=1 policy=0 prio=120 kthread=1 runtime_ns=1038000000000 "
    "since_arrival_ns=1038000000000 queued_ns=0 run_delay_ns=0 nvcsw=1 nivcsw=0 "
    "fn=\"lo_poll [lo_vendor]\"",
    "hungtask: v2 seq=7 vstack i=0 fn=\"flush_work+0x5c/0x90\"",
    "hungtask: v2 seq=7 vstack i=1 fn=\"acme_sync_write+0x3a/0x50 [acme_drv]\"",
    "hungtask: v2 seq=7 hogstack hop=2 i=0 fn=\"hungtask_ipi_handler+0x44/0x60 [hungtask]\","
    "\"asm_sysvec_call_function_single+0x16/0x20\",\"lo_poll+0x5e/0x7f [lo_vendor]\"",
    "hungtask: v2 seq=7 end hops=3 truncated=0 release=\"6.1.0-56-amd64\" preempt=none "
    "watchdog=0 softlockup_panic=0 watchdog_thresh=10 hung_task_timeout_secs=120 "
    "hung_task_panic=1 taint=0x3000 sysctl_age_ms=10 oot=\"acme_drv,lo_vendor\"",
};

std::optional<Incident> feed_v2(ModuleRecordAssembler& a, bool twice = false) {
    std::optional<Incident> out;
    for (const char* line : kRecordV2) {
        for (int n = 0; n < (twice ? 2 : 1); n++) {
            if (auto in = a.push(line))
                out = in;
        }
    }
    if (out)  // the ingest stage's explain step, as the daemon runs it
        explain_incident(*out, Origin::kmsg);
    return out;
}

TEST(KmsgRecord, V2ParsesListsOfQuotedValues) {
    auto l = parse_module_record_line(kRecordV2[5]);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->version, 2);
    EXPECT_EQ(l->record, "hop");
    EXPECT_EQ(l->fields.at("runq_pid"), "41,20");
    EXPECT_EQ(l->lists.at("runq_comm"), (std::vector<std::string>{"kworker/3:2", "ksoftirqd/3"}));
    EXPECT_EQ(l->fields.at("runq_comm"), "kworker/3:2");
    // A list cut in the middle of an element is a cut line.
    EXPECT_FALSE(parse_module_record_line("hungtask: v2 seq=7 vstack i=0 fn=\"a+0x1/0x2\",\"b+0x"));
}

TEST(KmsgRecord, V2AssemblesTheSameIncidentAsV1) {
    ModuleRecordAssembler a1, a2;
    auto v1 = feed(a1);
    auto v2 = feed_v2(a2);
    ASSERT_TRUE(v1);
    ASSERT_TRUE(v2);
    EXPECT_EQ(v2->capture["kmsg_version"], 2);
    EXPECT_EQ(v2->capture["kmsg_truncated"], false);
    EXPECT_EQ(v2->victims[0].stack, v1->victims[0].stack);
    EXPECT_EQ(v2->victims[0].syscall, "rmdir");
    ASSERT_EQ(v2->chain.size(), 3u);
    for (size_t i = 0; i < 3; i++)
        EXPECT_EQ(v2->chain[i].kind(), v1->chain[i].kind());
    const Hop& f = v2->chain[0];
    EXPECT_EQ(test::fields(f)["target_function"], "acme_sync_work");
    EXPECT_EQ(test::fields(f)["pool_cpu"], 3);
    // Hashed, not a kernel address.
    EXPECT_EQ(test::fields(f)["barrier"], "00000000a1b2c3d4");
    EXPECT_EQ(test::fields(v2->chain[1])["task"], test::fields(v1->chain[1])["task"]);
    const Hop& c = v2->chain[2];
    EXPECT_EQ(test::fields(c)["hog"], test::fields(v1->chain[2])["hog"]);
    EXPECT_EQ(test::fields(c)["hog_stack"], test::fields(v1->chain[2])["hog_stack"]);
    ASSERT_EQ(test::fields(c)["runq"].size(), 2u);
    EXPECT_EQ(test::fields(c)["runq"][0]["pid"], 41);
    EXPECT_EQ(test::fields(c)["runq"][0]["comm"], "kworker/3:2");
    EXPECT_EQ(test::fields(c)["runq"][1]["comm"], "ksoftirqd/3");
    EXPECT_EQ(test::fields(c)["runq"][0]["queued_ns"], 6410032497);
    EXPECT_EQ(v2->host.watchdog, 0);
    EXPECT_EQ(v2->host.hung_task_panic, 1);
    EXPECT_EQ(v2->host.taint, "OE");
    EXPECT_EQ(v2->host.out_of_tree_modules, v1->host.out_of_tree_modules);
    EXPECT_EQ(v2->verdict.kind, VerdictKind::runqueue_starvation);
    EXPECT_EQ(v2->verdict.culprit->comm, "lo_poll");
}

// The panic notifier may print again the line the printer was printing: nothing changes.
TEST(KmsgRecord, V2LinePrintedTwiceChangesNothing) {
    ModuleRecordAssembler once, twice;
    auto a = feed_v2(once);
    auto b = feed_v2(twice, true);
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_EQ(twice.dropped(), 0u);
    EXPECT_EQ(b->victims[0].stack, a->victims[0].stack);
    ASSERT_EQ(b->chain.size(), a->chain.size());
    for (size_t i = 0; i < a->chain.size(); i++)
        EXPECT_EQ(test::fields(b->chain[i]), test::fields(a->chain[i])) << i;
}

TEST(KmsgRecord, V2LostStackLineKeepsTheFramesBeforeTheHole) {
    ModuleRecordAssembler a;
    std::optional<Incident> out;
    for (const char* line : kRecordV2) {
        if (std::string_view(line).find(" vstack i=0 ") != std::string_view::npos)
            continue;  // lost (serial noise): frames 1.. have no frame 0 before them
        if (auto in = a.push(line))
            out = in;
    }
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->victims[0].stack.empty());
    EXPECT_EQ(out->chain.size(), 3u);
}

// Real records from the seed look-alike (tests/scenarios/seed-flush-hog) in both kernels.
TEST(KmsgRecord, RealSeedCapturesGiveTheSeedVerdict) {
    for (const char* file :
         {"kernel-logs/module-seed-6.1-console.txt", "kernel-logs/module-seed-6.12-console.txt"}) {
        auto incidents =
        explain_all(parse_kernel_log(fixture(file), LogContext{file, std::nullopt}),
                    Origin::log_file);
        ASSERT_EQ(incidents.size(), 1u) << file;
        const Incident& in = incidents[0];
        EXPECT_FALSE(in.capture.is_null()) << file;
        EXPECT_TRUE(in.boot_id.has_value()) << file;
        EXPECT_EQ(in.victims[0].comm, "acme-sync") << file;
        EXPECT_EQ(in.victims[0].syscall, "write") << file;
        std::vector<std::string> kinds;
        for (const auto& h : in.chain)
            kinds.push_back(h.kind());
        EXPECT_EQ(kinds, (std::vector<std::string>{"flush_work", "worker", "cpu"})) << file;
        EXPECT_EQ(test::fields(in.chain[0])["pool_cpu"], 1) << file;
        EXPECT_EQ(in.verdict.kind, VerdictKind::runqueue_starvation) << file;
        ASSERT_TRUE(in.verdict.culprit) << file;
        EXPECT_EQ(in.verdict.culprit->comm, "lo_poll") << file;
        EXPECT_EQ(in.verdict.culprit->function, "lo_poll") << file;
        EXPECT_EQ(in.verdict.culprit->module, "lo_vendor") << file;
        EXPECT_EQ(in.host.watchdog, 0) << file;
        // Two detector passes reported it; the kernel's own report of the module's pass
        // is not counted twice.
        EXPECT_EQ(in.repeats, 2) << file;
    }
}

// A real v2 capture (tests/scenarios/seed-flush-hog on Debian 6.1.192, serial console):
// the record is printed after the kernel's report of the same pass, by a work item.
TEST(KmsgRecord, RealV2SeedCaptureGivesTheSeedVerdict) {
    const char* file = "kernel-logs/module-seed-v2-6.1-console.txt";
    auto incidents =
        explain_all(parse_kernel_log(fixture(file), LogContext{file, std::nullopt}),
                    Origin::log_file);
    const Incident* acme = nullptr;
    for (const auto& in : incidents) {
        if (!in.victims.empty() && in.victims[0].comm == "acme-sync")
            acme = &in;
    }
    ASSERT_TRUE(acme);
    EXPECT_EQ(acme->capture["kmsg_version"], 2);
    EXPECT_EQ(acme->capture["kmsg_truncated"], false);
    std::vector<std::string> kinds;
    for (const auto& h : acme->chain)
        kinds.push_back(h.kind());
    EXPECT_EQ(kinds, (std::vector<std::string>{"flush_work", "worker", "cpu"}));
    EXPECT_EQ(test::fields(acme->chain[0])["target_function"], "acme_sync_work");
    EXPECT_EQ(test::fields(acme->chain[1])["task"]["comm"], "kworker/1:1");
    EXPECT_EQ(test::fields(acme->chain[2])["hog_stack"][0], "lo_poll+0x5e/0x7f [lo_vendor]");
    EXPECT_EQ(test::fields(acme->chain[2])["runq"].size(), 2u);
    EXPECT_EQ(acme->victims[0].stack.size(), 7u);
    EXPECT_EQ(acme->verdict.kind, VerdictKind::runqueue_starvation);
    ASSERT_TRUE(acme->verdict.culprit);
    EXPECT_EQ(acme->verdict.culprit->comm, "lo_poll");
    EXPECT_EQ(acme->verdict.culprit->module, "lo_vendor");
    // Five detector passes reported it; the record printed after the first is no report.
    EXPECT_EQ(acme->repeats, 5);
}

}  // namespace
}  // namespace hungtask
