// hops/worker (and hops/task, the task it carries).
#include "hops/worker.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

using test::Attrs;

HopTask kworker() {
    HopTask t;
    t.pid = 28;
    t.tgid = 28;
    t.comm = "kworker/1:1";
    t.state = "R";
    t.cpu = 1;
    t.on_cpu = false;
    t.on_rq = true;
    t.policy = 0;
    t.prio = 120;
    t.kthread = true;
    t.runtime_ns = 17654344;
    t.since_arrival_ns = 7137072902;
    t.queued_ns = 6148404686;
    t.run_delay_ns = 6230641;
    t.nvcsw = 38;
    t.nivcsw = 0;
    t.function = "worker_thread";
    return t;
}

constexpr const char* kTaskKeys =
    "pid=28 tgid=28 comm=\"kworker/1:1\" state=R flags=0x4208060 cpu=1 on_cpu=0 on_rq=1 "
    "policy=0 prio=120 kthread=1 runtime_ns=17654344 since_arrival_ns=7137072902 "
    "queued_ns=6148404686 run_delay_ns=6230641 nvcsw=38 nivcsw=0 fn=\"worker_thread\"";

TEST(WorkerHop, FromNetlink) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_WORKER)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .str(HUNGTASK_A_HOP_REASON, "showing a member")
        .begin(HUNGTASK_A_HOP_WORKER)
        .u8(HUNGTASK_A_HOP_WORKER_POOL_MEMBER, 1)
        .u8(HUNGTASK_A_HOP_WORKER_RUNS_TARGET, 0)
        .begin(HUNGTASK_A_HOP_WORKER_TASK)
        .u32(HUNGTASK_A_TASK_PID, 28)
        .u32(HUNGTASK_A_TASK_TGID, 28)
        .str(HUNGTASK_A_TASK_COMM, "kworker/1:1")
        .u8(HUNGTASK_A_TASK_STATE, 'R')
        .u32(HUNGTASK_A_TASK_CPU, 1)
        .u8(HUNGTASK_A_TASK_ON_CPU, 0)
        .u8(HUNGTASK_A_TASK_ON_RQ, 1)
        .u32(HUNGTASK_A_TASK_POLICY, 0)
        .s32(HUNGTASK_A_TASK_PRIO, 120)
        .u8(HUNGTASK_A_TASK_KTHREAD, 1)
        .u64(HUNGTASK_A_TASK_RUNTIME_NS, 17654344)
        .u64(HUNGTASK_A_TASK_SINCE_ARRIVAL_NS, 7137072902)
        .u64(HUNGTASK_A_TASK_QUEUED_NS, 6148404686)
        .u64(HUNGTASK_A_TASK_RUN_DELAY_NS, 6230641)
        .u64(HUNGTASK_A_TASK_NVCSW, 38)
        .u64(HUNGTASK_A_TASK_NIVCSW, 0)
        .str(HUNGTASK_A_TASK_THREADFN_SYM, "worker_thread")
        .end()
        .end();
    Hop h = test::netlink_hop(a);
    EXPECT_EQ(h.reason, "showing a member");
    ASSERT_TRUE(h.as<WorkerHop>());
    EXPECT_EQ(*h.as<WorkerHop>(), (WorkerHop{true, false, kworker()}));
}

TEST(WorkerHop, FromKmsgV1TakesTheNextWorkerLine) {
    Hop h = hop_from_kmsg(test::kmsg_line("hungtask: v1 seq=1 hop i=1 kind=worker verified=1 "
                                          "pool_member=1 runs_target=0 reason=\"\""),
                          false);
    ASSERT_TRUE(h.as<WorkerHop>());
    EXPECT_FALSE(h.as<WorkerHop>()->task) << "v1: the task comes on its own line";
    EXPECT_TRUE(hop_add_kmsg(h, test::kmsg_line(std::string("hungtask: v1 seq=1 worker ") + kTaskKeys),
                             false));
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line("hungtask: v1 seq=1 runq pid=1"), false));
    EXPECT_EQ(*h.as<WorkerHop>(), (WorkerHop{true, false, kworker()}));
}

TEST(WorkerHop, FromKmsgV2CarriesTheTaskOnTheHopLine) {
    Hop h = hop_from_kmsg(test::kmsg_line(std::string("hungtask: v2 seq=2 hop i=1 kind=worker "
                                                      "verified=1 pool_member=1 runs_target=0 "
                                                      "reason=\"\" ") +
                                          kTaskKeys),
                          true);
    ASSERT_TRUE(h.as<WorkerHop>());
    EXPECT_EQ(*h.as<WorkerHop>(), (WorkerHop{true, false, kworker()}));
}

TEST(WorkerHop, JsonRoundTripKeepsKeysAndOrder) {
    Hop h{true, std::nullopt, WorkerHop{true, false, kworker()}};
    Json j = to_json(h);
    EXPECT_EQ(test::keys(j), (std::vector<std::string>{"kind", "verified", "reason", "pool_member",
                                                       "runs_target", "task"}));
    EXPECT_EQ(test::keys(j["task"]),
              (std::vector<std::string>{"pid", "tgid", "comm", "state", "cpu", "on_cpu", "on_rq",
                                        "policy", "prio", "kthread", "runtime_ns",
                                        "since_arrival_ns", "queued_ns", "run_delay_ns", "nvcsw",
                                        "nivcsw", "function", "module"}));
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(to_json(hop_from_json(j)), j);
    // Without its task (v1 record cut before the worker line): null.
    Hop bare{false, std::nullopt, WorkerHop{false, false, std::nullopt}};
    EXPECT_TRUE(to_json(bare)["task"].is_null());
    EXPECT_EQ(hop_from_json(to_json(bare)), bare);
}

TEST(WorkerHop, Renders) {
    EXPECT_EQ(test::rendered(Hop{true, std::nullopt, WorkerHop{true, false, kworker()}}, 2),
              "  2. worker (verified): kworker/1:1 (pid 28, CPU 1, state R, kthread "
              "worker_thread) must run it\n"
              "       on CPU now: no, on a runqueue: yes, waiting 6.1 s, last ran 7.1 s ago\n");
    EXPECT_EQ(test::rendered(Hop{true, std::nullopt, WorkerHop{}}, 2),
              "  2. worker (verified): ? (pid ?, CPU ?, state ?) must run it\n"
              "       on CPU now: ?, on a runqueue: ?, waiting ?, last ran ? ago\n");
}

}  // namespace
}  // namespace hungtask
