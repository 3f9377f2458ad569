// hops/cpu: the holder, its stack (interrupt frames cut), the runqueue.
#include "hops/cpu.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

using test::Attrs;

HopTask lo_poll() {
    HopTask t;
    t.pid = 116;
    t.tgid = 116;
    t.comm = "lo_poll";
    t.state = "R";
    t.cpu = 1;
    t.on_cpu = true;
    t.on_rq = true;
    t.policy = 0;
    t.prio = 120;
    t.kthread = true;
    t.runtime_ns = 6343294636;
    t.since_arrival_ns = 6344637439;
    t.queued_ns = 0;
    t.run_delay_ns = 24556;
    t.nvcsw = 1;
    t.nivcsw = 0;
    t.function = "lo_poll";
    t.module = "lo_vendor";
    return t;
}

CpuHop expected(bool v2) {
    CpuHop c;
    c.cpu = 1;
    c.hog_source = "ipi";
    c.hog = lo_poll();
    c.hog_stack = {"lo_poll+0x5e/0x7f [lo_vendor]", "kthread+0xda/0x100"};
    c.ipi_ns = 892310;
    c.runq = {RunqEntry{28, "kworker/1:1", "R", 6148404686}};
    if (v2)
        c.runq.push_back(RunqEntry{20, "ksoftirqd/1", "R", 6810112101});
    c.runq_total = int64_t(c.runq.size());
    c.runq_truncated = false;
    return c;
}

constexpr const char* kHogKeys =
    "pid=116 tgid=116 comm=\"lo_poll\" state=R flags=0x4208040 cpu=1 on_cpu=1 on_rq=1 policy=0 "
    "prio=120 kthread=1 runtime_ns=6343294636 since_arrival_ns=6344637439 queued_ns=0 "
    "run_delay_ns=24556 nvcsw=1 nivcsw=0 fn=\"lo_poll [lo_vendor]\"";

TEST(CpuHop, FromNetlink) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_CPU)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .begin(HUNGTASK_A_HOP_CPU)
        .u32(HUNGTASK_A_HOP_CPU_CPU, 1)
        .u32(HUNGTASK_A_HOP_CPU_HOG_SOURCE, HUNGTASK_HOG_SOURCE_IPI)
        .begin(HUNGTASK_A_HOP_CPU_HOG)
        .u32(HUNGTASK_A_TASK_PID, 116)
        .u32(HUNGTASK_A_TASK_TGID, 116)
        .str(HUNGTASK_A_TASK_COMM, "lo_poll")
        .u8(HUNGTASK_A_TASK_STATE, 'R')
        .u32(HUNGTASK_A_TASK_CPU, 1)
        .u8(HUNGTASK_A_TASK_ON_CPU, 1)
        .u8(HUNGTASK_A_TASK_ON_RQ, 1)
        .u32(HUNGTASK_A_TASK_POLICY, 0)
        .s32(HUNGTASK_A_TASK_PRIO, 120)
        .u8(HUNGTASK_A_TASK_KTHREAD, 1)
        .u64(HUNGTASK_A_TASK_RUNTIME_NS, 6343294636)
        .u64(HUNGTASK_A_TASK_SINCE_ARRIVAL_NS, 6344637439)
        .u64(HUNGTASK_A_TASK_QUEUED_NS, 0)
        .u64(HUNGTASK_A_TASK_RUN_DELAY_NS, 24556)
        .u64(HUNGTASK_A_TASK_NVCSW, 1)
        .u64(HUNGTASK_A_TASK_NIVCSW, 0)
        .str(HUNGTASK_A_TASK_THREADFN_SYM, "lo_poll [lo_vendor]")
        .end()
        .begin(HUNGTASK_A_HOP_CPU_HOG_STACK);
    for (const char* f : {"hungtask_ipi_handler+0x3d/0x60 [hungtask]",
                          "asm_sysvec_call_function_single+0x16/0x20",
                          "lo_poll+0x5e/0x7f [lo_vendor]", "kthread+0xda/0x100"})
        a.begin(HUNGTASK_A_STACK_FRAME).u64(HUNGTASK_A_FRAME_ADDR, 1).str(HUNGTASK_A_FRAME_SYM, f).end();
    a.end()
        .u64(HUNGTASK_A_HOP_CPU_IPI_NS, 892310)
        .begin(HUNGTASK_A_HOP_CPU_RUNQ)
        .u32(HUNGTASK_A_RUNQ_ENTRY_PID, 28)
        .str(HUNGTASK_A_RUNQ_ENTRY_COMM, "kworker/1:1")
        .u8(HUNGTASK_A_RUNQ_ENTRY_STATE, 'R')
        .u64(HUNGTASK_A_RUNQ_ENTRY_QUEUED_NS, 6148404686)
        .end()
        .u32(HUNGTASK_A_HOP_CPU_RUNQ_TOTAL, 1)
        .u8(HUNGTASK_A_HOP_CPU_RUNQ_TRUNCATED, 0)
        .end();
    Hop h = test::netlink_hop(a);
    ASSERT_TRUE(h.as<CpuHop>());
    EXPECT_EQ(*h.as<CpuHop>(), expected(false));
}

TEST(CpuHop, FromKmsgV1Lines) {
    Hop h = hop_from_kmsg(test::kmsg_line("hungtask: v1 seq=1 hop i=2 kind=cpu verified=1 cpu=1 "
                                          "have_hog=1 hog_source=ipi runq_total=1 runq_walked=58 "
                                          "runq_truncated=0 ipi_ns=892310 stack_note=\"\" "
                                          "reason=\"\""),
                          false);
    for (std::string l : {std::string("hungtask: v1 seq=1 hog ") + kHogKeys,
                          std::string("hungtask: v1 seq=1 hogstack i=0 fn=\"hungtask_ipi_handler+0x3d/0x60 [hungtask]\""),
                          std::string("hungtask: v1 seq=1 hogstack i=1 fn=\"asm_sysvec_call_function_single+0x16/0x20\""),
                          std::string("hungtask: v1 seq=1 hogstack i=2 fn=\"lo_poll+0x5e/0x7f [lo_vendor]\""),
                          std::string("hungtask: v1 seq=1 hogstack i=3 fn=\"kthread+0xda/0x100\""),
                          std::string("hungtask: v1 seq=1 runq pid=28 comm=\"kworker/1:1\" state=R queued_ns=6148404686")})
        EXPECT_TRUE(hop_add_kmsg(h, test::kmsg_line(l), false)) << l;
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line("hungtask: v1 seq=1 worker pid=3"), false));
    hop_end_kmsg(h);
    ASSERT_TRUE(h.as<CpuHop>());
    EXPECT_EQ(*h.as<CpuHop>(), expected(false));
}

TEST(CpuHop, FromKmsgV2Lines) {
    Hop h = hop_from_kmsg(
        test::kmsg_line("hungtask: v2 seq=2 hop i=2 kind=cpu verified=1 cpu=1 have_hog=1 "
                        "hog_source=ipi runq_total=2 runq_walked=59 runq_truncated=0 "
                        "ipi_ns=892310 stack_note=\"\" reason=\"\" runq_pid=28,20 runq_state=R,R "
                        "runq_queued_ns=6148404686,6810112101 "
                        "runq_comm=\"kworker/1:1\",\"ksoftirqd/1\""),
        true);
    // v2 hog lines name their hop; one that does not is not taken.
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line(std::string("hungtask: v2 seq=2 hog ") + kHogKeys),
                              true));
    EXPECT_TRUE(hop_add_kmsg(
        h, test::kmsg_line(std::string("hungtask: v2 seq=2 hog hop=2 ") + kHogKeys), true));
    // Frames from index i= on; printed twice, they land on the same places.
    for (int twice = 0; twice < 2; twice++) {
        EXPECT_TRUE(hop_add_kmsg(
            h,
            test::kmsg_line("hungtask: v2 seq=2 hogstack hop=2 i=2 fn=\"lo_poll+0x5e/0x7f "
                            "[lo_vendor]\",\"kthread+0xda/0x100\""),
            true));
        EXPECT_TRUE(hop_add_kmsg(
            h,
            test::kmsg_line("hungtask: v2 seq=2 hogstack hop=2 i=0 fn=\"hungtask_ipi_handler+0x3d/"
                            "0x60 [hungtask]\",\"asm_sysvec_call_function_single+0x16/0x20\""),
            true));
    }
    hop_end_kmsg(h);
    ASSERT_TRUE(h.as<CpuHop>());
    EXPECT_EQ(*h.as<CpuHop>(), expected(true));
}

TEST(CpuHop, JsonRoundTripKeepsKeysAndOrder) {
    Hop h{true, std::nullopt, expected(true)};
    Json j = to_json(h);
    EXPECT_EQ(test::keys(j),
              (std::vector<std::string>{"kind", "verified", "reason", "cpu", "hog_source", "hog",
                                        "hog_stack", "stack_note", "ipi_ns", "runq", "runq_total",
                                        "runq_truncated"}));
    EXPECT_EQ(test::keys(j["runq"][0]),
              (std::vector<std::string>{"pid", "comm", "state", "queued_ns"}));
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(to_json(hop_from_json(j)), j);
    Hop empty{false, "no holder", CpuHop{}};
    Json e = to_json(empty);
    EXPECT_TRUE(e["hog"].is_null());
    EXPECT_EQ(e["hog_stack"], Json::array());
    EXPECT_EQ(e["runq"], Json::array());
    EXPECT_EQ(hop_from_json(e), empty);
}

TEST(CpuHop, Renders) {
    EXPECT_EQ(test::rendered(Hop{true, std::nullopt, expected(false)}, 3),
              "  3. cpu (verified): CPU 1 is held by lo_poll (pid 116, CPU 1, state R, kthread "
              "lo_poll [lo_vendor])\n"
              "       on the CPU for 6.3 s, runtime 6.3 s, voluntary switches 1, involuntary 0, "
              "policy 0 prio 120\n"
              "       where it runs (stack taken on CPU 1):\n"
              "         lo_poll+0x5e/0x7f [lo_vendor]\n"
              "         kthread+0xda/0x100\n"
              "       waiting in its runqueue (1): kworker/1:1[28] 6.1 s;\n");
    CpuHop none;
    none.cpu = 2;
    none.stack_note = "the CPU did not answer the IPI";
    none.runq = {RunqEntry{}};
    none.runq_truncated = true;
    EXPECT_EQ(test::rendered(Hop{false, "no holder", none}, 3),
              "  3. cpu [unverified]: CPU 2 is held by ? (pid ?, CPU ?, state ?)\n"
              "       no stack: the CPU did not answer the IPI\n"
              "       waiting in its runqueue (?): ?[?] ?; (list cut at the walk limit)\n"
              "       note: no holder\n");
}

}  // namespace
}  // namespace hungtask
