// hops/mutex: the mutex hop's three decoders, its JSON form and its report lines.
#include "hops/mutex.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

using test::Attrs;

HopTask holder() {
    HopTask t;
    t.pid = 120;
    t.tgid = 120;
    t.comm = "mtx_holder";
    t.state = "S";
    t.cpu = 1;
    t.on_cpu = false;
    t.on_rq = false;
    t.policy = 0;
    t.prio = 120;
    t.kthread = true;
    t.runtime_ns = 1000;
    t.since_arrival_ns = 9000000000;
    t.queued_ns = 0;
    t.run_delay_ns = 10;
    t.nvcsw = 3;
    t.nivcsw = 0;
    t.function = "mtx_holder_thread";
    t.module = "mtx_drv";
    return t;
}

constexpr const char* kTaskKeys =
    "pid=120 tgid=120 comm=\"mtx_holder\" state=S flags=0x208040 cpu=1 on_cpu=0 on_rq=0 "
    "policy=0 prio=120 kthread=1 runtime_ns=1000 since_arrival_ns=9000000000 queued_ns=0 "
    "run_delay_ns=10 nvcsw=3 nivcsw=0 fn=\"mtx_holder_thread [mtx_drv]\"";

MutexHop full(bool with_addr) {
    MutexHop m;
    if (with_addr)
        m.lock = "0xffffffffc0a01000";
    m.lock_sym = "mtx_cfg_lock+0x0/0x20 [mtx_drv]";
    m.owner_flags = 1;
    m.waiters = 1;
    m.position = 1;
    m.ww = false;
    m.owner = holder();
    m.owner_stack = {"msleep_interruptible+0x2a/0x50", "mtx_hold_and_sleep+0x3c/0x60 [mtx_drv]"};
    m.owner_offcpu_ns = 8000000000;
    m.cycle = false;
    return m;
}

TEST(MutexHop, FromNetlink) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_MUTEX)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .begin(HUNGTASK_A_HOP_MUTEX)
        .u64(HUNGTASK_A_HOP_MUTEX_LOCK, 0xffffffffc0a01000ULL)
        .str(HUNGTASK_A_HOP_MUTEX_LOCK_SYM, "mtx_cfg_lock+0x0/0x20 [mtx_drv]")
        .u32(HUNGTASK_A_HOP_MUTEX_OWNER_FLAGS, 1)
        .u32(HUNGTASK_A_HOP_MUTEX_WAITERS, 1)
        .u32(HUNGTASK_A_HOP_MUTEX_POSITION, 1)
        .u8(HUNGTASK_A_HOP_MUTEX_WW, 0)
        .begin(HUNGTASK_A_HOP_MUTEX_OWNER)
        .u32(HUNGTASK_A_TASK_PID, 120)
        .u32(HUNGTASK_A_TASK_TGID, 120)
        .str(HUNGTASK_A_TASK_COMM, "mtx_holder")
        .u8(HUNGTASK_A_TASK_STATE, 'S')
        .u32(HUNGTASK_A_TASK_CPU, 1)
        .u8(HUNGTASK_A_TASK_ON_CPU, 0)
        .u8(HUNGTASK_A_TASK_ON_RQ, 0)
        .u32(HUNGTASK_A_TASK_POLICY, 0)
        .s32(HUNGTASK_A_TASK_PRIO, 120)
        .u8(HUNGTASK_A_TASK_KTHREAD, 1)
        .u64(HUNGTASK_A_TASK_RUNTIME_NS, 1000)
        .u64(HUNGTASK_A_TASK_SINCE_ARRIVAL_NS, 9000000000)
        .u64(HUNGTASK_A_TASK_QUEUED_NS, 0)
        .u64(HUNGTASK_A_TASK_RUN_DELAY_NS, 10)
        .u64(HUNGTASK_A_TASK_NVCSW, 3)
        .u64(HUNGTASK_A_TASK_NIVCSW, 0)
        .str(HUNGTASK_A_TASK_THREADFN_SYM, "mtx_holder_thread [mtx_drv]")
        .end()
        .begin(HUNGTASK_A_HOP_MUTEX_OWNER_STACK)
        .begin(HUNGTASK_A_STACK_FRAME)
        .str(HUNGTASK_A_FRAME_SYM, "msleep_interruptible+0x2a/0x50")
        .end()
        .begin(HUNGTASK_A_STACK_FRAME)
        .str(HUNGTASK_A_FRAME_SYM, "mtx_hold_and_sleep+0x3c/0x60 [mtx_drv]")
        .end()
        .end()
        .u64(HUNGTASK_A_HOP_MUTEX_OWNER_OFFCPU_NS, 8000000000)
        .end();
    Hop h = test::netlink_hop(a);
    ASSERT_TRUE(h.as<MutexHop>());
    EXPECT_EQ(*h.as<MutexHop>(), full(true));
}

TEST(MutexHop, FromKmsgV2WithOwnerAndStackLines) {
    Hop h = hop_from_kmsg(
        test::kmsg_line("hungtask: v2 seq=3 hop i=0 kind=mutex verified=1 lock=00000000deadbeef "
                        "lock_sym=\"mtx_cfg_lock+0x0/0x20 [mtx_drv]\" owner_flags=1 waiters=1 "
                        "position=1 ww=0 have_owner=1 owner_offcpu_ns=8000000000 stack_note=\"\" "
                        "reason=\"\""),
        true);
    ASSERT_TRUE(h.as<MutexHop>());
    EXPECT_TRUE(hop_add_kmsg(
        h, test::kmsg_line(std::string("hungtask: v2 seq=3 owner hop=0 ") + kTaskKeys), true));
    EXPECT_TRUE(hop_add_kmsg(
        h,
        test::kmsg_line(
            "hungtask: v2 seq=3 ownerstack hop=0 i=0 fn=\"msleep_interruptible+0x2a/0x50\","
            "\"mtx_hold_and_sleep+0x3c/0x60 [mtx_drv]\""),
        true));
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line("hungtask: v2 seq=3 hog hop=0 pid=1"), true));
    hop_end_kmsg(h);
    EXPECT_EQ(*h.as<MutexHop>(), full(false));
    EXPECT_TRUE(hop_add_kmsg(h, test::kmsg_line("hungtask: v2 seq=3 cycle hop=0"), true));
    EXPECT_EQ(h.as<MutexHop>()->cycle, true);
}

TEST(MutexHop, CycleFlagFromTheHopNest) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_MUTEX)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .begin(HUNGTASK_A_HOP_MUTEX)
        .u32(HUNGTASK_A_HOP_MUTEX_WAITERS, 1)
        .end()
        .u8(HUNGTASK_A_HOP_CYCLE, 1);
    Hop h = test::netlink_hop(a);
    ASSERT_TRUE(h.as<MutexHop>());
    EXPECT_EQ(h.as<MutexHop>()->cycle, true);
    EXPECT_FALSE(h.as<MutexHop>()->owner);
}

TEST(MutexHop, JsonRoundTripKeepsKeysAndOrder) {
    Hop h{true, std::nullopt, full(true)};
    Json j = to_json(h);
    EXPECT_EQ(test::keys(j), (std::vector<std::string>{
                                 "kind", "verified", "reason", "lock", "lock_sym", "owner_flags",
                                 "waiters", "position", "ww", "owner", "owner_stack",
                                 "owner_stack_note", "owner_offcpu_ns", "cycle"}));
    EXPECT_EQ(j["kind"], "mutex");
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(to_json(hop_from_json(j)), j);
    Hop bare{false, std::string("the owner word names no live task"), MutexHop{}};
    EXPECT_TRUE(to_json(bare)["owner"].is_null());
    EXPECT_EQ(hop_from_json(to_json(bare)), bare);
}

TEST(MutexHop, Renders) {
    EXPECT_EQ(test::rendered(Hop{true, std::nullopt, full(true)}, 1),
              "  1. mutex (verified): waits for mutex mtx_cfg_lock+0x0/0x20 [mtx_drv], owned by "
              "mtx_holder (pid 120, CPU 1, state S, kthread mtx_holder_thread [mtx_drv])\n"
              "       waiters 1, this one at position 1\n"
              "       the owner has been off CPU for 8.0 s\n"
              "       where the owner waits:\n"
              "         msleep_interruptible+0x2a/0x50\n"
              "         mtx_hold_and_sleep+0x3c/0x60 [mtx_drv]\n");
    EXPECT_EQ(test::rendered(Hop{false, std::string("no owner"), MutexHop{}}, 1),
              "  1. mutex [unverified]: waits for mutex ?, owned by ? (pid ?, CPU ?, state ?)\n"
              "       waiters ?, this one at position ?\n"
              "       note: no owner\n");
}

}  // namespace
}  // namespace hungtask
