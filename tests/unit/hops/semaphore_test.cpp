// hops/semaphore: the semaphore hop's three decoders, its JSON form and its report lines.
#include "hops/semaphore.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

using test::Attrs;

SemaphoreHop sem_full(bool with_addr) {
    SemaphoreHop s;
    if (with_addr)
        s.lock = "0xffffffffc0a03000";
    s.lock_sym = "rdr_sem [rdr_drv]";
    s.count = 0;
    s.waiters = 2;
    s.position = 1;
    s.other_waiters = {{int64_t(141), std::string("sem-w2")}};
    return s;
}

TEST(SemaphoreHop, FromNetlink) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_SEMAPHORE)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .begin(HUNGTASK_A_HOP_SEMAPHORE)
        .u64(HUNGTASK_A_HOP_SEMAPHORE_LOCK, 0xffffffffc0a03000ULL)
        .str(HUNGTASK_A_HOP_SEMAPHORE_LOCK_SYM, "rdr_sem [rdr_drv]")
        .u32(HUNGTASK_A_HOP_SEMAPHORE_COUNT, 0)
        .u32(HUNGTASK_A_HOP_SEMAPHORE_WAITERS, 2)
        .u32(HUNGTASK_A_HOP_SEMAPHORE_POSITION, 1)
        .begin(HUNGTASK_A_HOP_SEMAPHORE_WAITER_PIDS)
        .u32(HUNGTASK_A_SEM_WAITER_PID, 141)
        .str(HUNGTASK_A_SEM_WAITER_COMM, "sem-w2")
        .end()
        .end();
    Hop h = test::netlink_hop(a);
    ASSERT_TRUE(h.as<SemaphoreHop>());
    EXPECT_EQ(*h.as<SemaphoreHop>(), sem_full(true));
}

TEST(SemaphoreHop, FromKmsgV2WithWaiterLines) {
    Hop h = hop_from_kmsg(
        test::kmsg_line("hungtask: v2 seq=4 hop i=0 kind=semaphore verified=1 "
                        "lock=00000000deadbeef lock_sym=\"rdr_sem [rdr_drv]\" count=0 waiters=2 "
                        "position=1 reason=\"the kernel records no holder of a semaphore\""),
        true);
    ASSERT_TRUE(h.as<SemaphoreHop>());
    EXPECT_TRUE(hop_add_kmsg(
        h, test::kmsg_line("hungtask: v2 seq=4 semwaiter hop=0 pid=141 comm=\"sem-w2\""), true));
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line("hungtask: v2 seq=4 owner hop=0 pid=1"), true));
    hop_end_kmsg(h);
    EXPECT_EQ(*h.as<SemaphoreHop>(), sem_full(false));
    EXPECT_EQ(h.reason, "the kernel records no holder of a semaphore");
}

TEST(SemaphoreHop, JsonRoundTripAndRender) {
    Hop h{true, std::string("the kernel records no holder of a semaphore"), sem_full(true)};
    Json j = to_json(h);
    EXPECT_EQ(test::keys(j),
              (std::vector<std::string>{"kind", "verified", "reason", "lock", "lock_sym", "count",
                                        "waiters", "position", "other_waiters"}));
    EXPECT_EQ(j["kind"], "semaphore");
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(test::rendered(h, 2),
              "  2. semaphore (verified): waits for semaphore rdr_sem [rdr_drv] (count 0); the "
              "kernel records no holder\n"
              "       waiters 2, this one at position 1\n"
              "       other waiters: sem-w2 (pid 141)\n"
              "       note: the kernel records no holder of a semaphore\n");
}

}  // namespace
}  // namespace hungtask
