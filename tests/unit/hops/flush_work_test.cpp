// hops/flush_work: one fact from each source lands in the same member; JSON round trip;
// the report line.
#include "hops/flush_work.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

using test::Attrs;

FlushWorkHop expected() {
    FlushWorkHop f;
    f.barrier = "00000000a1b2c3d4";
    f.pwq = "ffff89e61ef37900";
    f.pool = "ffff89e61ef31640";
    f.pool_cpu = 1;
    f.pool_id = 2;
    f.workqueue = "events";
    f.target = "ffffffffc05be000";
    f.target_state = "pending";
    f.target_function = "acme_sync_work";
    f.target_module = "acme_drv";
    return f;
}

TEST(FlushWorkHop, FromNetlink) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_FLUSH_WORK)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .begin(HUNGTASK_A_HOP_FLUSH_WORK)
        .u64(HUNGTASK_A_HOP_FLUSH_WORK_BARRIER, 0xa1b2c3d4)
        .u64(HUNGTASK_A_HOP_FLUSH_WORK_PWQ, 0xffff89e61ef37900)
        .u64(HUNGTASK_A_HOP_FLUSH_WORK_POOL, 0xffff89e61ef31640)
        .s32(HUNGTASK_A_HOP_FLUSH_WORK_POOL_CPU, 1)
        .s32(HUNGTASK_A_HOP_FLUSH_WORK_POOL_ID, 2)
        .str(HUNGTASK_A_HOP_FLUSH_WORK_WQ_NAME, "events")
        .u64(HUNGTASK_A_HOP_FLUSH_WORK_TARGET, 0xffffffffc05be000)
        .str(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_SYM, "acme_sync_work+0x0/0x2c [acme_drv]")
        .u32(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_STATE, HUNGTASK_TARGET_STATE_PENDING)
        .u32(HUNGTASK_A_HOP_FLUSH_WORK_EXECUTING_PID, 0)
        .end();
    Hop h = test::netlink_hop(a);
    EXPECT_TRUE(h.verified);
    EXPECT_FALSE(h.reason);
    ASSERT_TRUE(h.as<FlushWorkHop>());
    EXPECT_EQ(*h.as<FlushWorkHop>(), expected());
}

TEST(FlushWorkHop, FromKmsg) {
    auto l = test::kmsg_line(
        "hungtask: v1 seq=1 hop i=0 kind=flush_work verified=1 barrier=00000000a1b2c3d4 "
        "pwq=ffff89e61ef37900 pool=ffff89e61ef31640 pool_cpu=1 pool_id=2 wq=\"events\" "
        "target=ffffffffc05be000 target_state=pending executing_pid=0 reason=\"\" "
        "target_fn=\"acme_sync_work+0x0/0x2c [acme_drv]\"");
    Hop h = hop_from_kmsg(l, false);
    EXPECT_TRUE(h.verified);
    EXPECT_FALSE(h.reason);
    ASSERT_TRUE(h.as<FlushWorkHop>());
    EXPECT_EQ(*h.as<FlushWorkHop>(), expected());
    // Not a v2-only kind: the same line as v2 gives the same hop.
    EXPECT_EQ(hop_from_kmsg(l, true), h);
}

TEST(FlushWorkHop, JsonRoundTripKeepsKeysAndOrder) {
    Hop h{true, "a reason", expected()};
    Json j = to_json(h);
    EXPECT_EQ(test::keys(j),
              (std::vector<std::string>{"kind", "verified", "reason", "barrier", "pwq", "pool",
                                        "pool_cpu", "pool_id", "workqueue", "target",
                                        "target_state", "target_function", "target_module",
                                        "executing_pid"}));
    EXPECT_EQ(j["kind"], "flush_work");
    EXPECT_EQ(j["workqueue"], "events");
    EXPECT_TRUE(j["executing_pid"].is_null());
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(to_json(hop_from_json(j)), j);
}

TEST(FlushWorkHop, Renders) {
    FlushWorkHop f = expected();
    f.executing_pid = 28;
    EXPECT_EQ(test::rendered(Hop{true, std::nullopt, f}),
              "  1. flush_work (verified): waits for work acme_sync_work [acme_drv] (pending) on "
              "workqueue events, pool 2 of CPU 1\n"
              "       barrier 00000000a1b2c3d4, pwq ffff89e61ef37900, pool ffff89e61ef31640, "
              "executing worker pid 28\n");
    EXPECT_EQ(test::rendered(Hop{false, "no pwq", FlushWorkHop{}}, 2),
              "  2. flush_work [unverified]: waits for work ? (?) on workqueue ?, pool ? of CPU ?\n"
              "       barrier ?, pwq ?, pool ?\n"
              "       note: no pwq\n");
}

}  // namespace
}  // namespace hungtask
