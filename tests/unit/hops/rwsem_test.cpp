// hops/rwsem: the rwsem hop's three decoders, its JSON form and its report lines.
#include "hops/rwsem.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

using test::Attrs;

HopTask holder() {
    HopTask t;
    t.pid = 130;
    t.tgid = 130;
    t.comm = "rws_holder";
    t.state = "S";
    t.cpu = 0;
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
    t.function = "rws_holder_thread";
    t.module = "rws_drv";
    return t;
}

constexpr const char* kTaskKeys =
    "pid=130 tgid=130 comm=\"rws_holder\" state=S flags=0x208040 cpu=0 on_cpu=0 on_rq=0 "
    "policy=0 prio=120 kthread=1 runtime_ns=1000 since_arrival_ns=9000000000 queued_ns=0 "
    "run_delay_ns=10 nvcsw=3 nivcsw=0 fn=\"rws_holder_thread [rws_drv]\"";

RwsemHop writer_owned(bool with_addr) {
    RwsemHop r;
    if (with_addr)
        r.lock = "0xffffffffc0a02000";
    r.lock_sym = "rws_lock [rws_drv]";
    r.write = true;
    r.count = "0x3";
    r.owner_flags = 2;
    r.readers = 0;
    r.waiters = 2;
    r.position = 1;
    r.last_reader = false;
    r.owner = holder();
    r.owner_stack = {"msleep_interruptible+0x2a/0x50", "rws_hold_and_sleep+0x3c/0x60 [rws_drv]"};
    r.owner_offcpu_ns = 8000000000;
    r.cycle = false;
    return r;
}

TEST(RwsemHop, FromNetlink) {
    Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_RWSEM)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .begin(HUNGTASK_A_HOP_RWSEM)
        .u64(HUNGTASK_A_HOP_RWSEM_LOCK, 0xffffffffc0a02000ULL)
        .str(HUNGTASK_A_HOP_RWSEM_LOCK_SYM, "rws_lock [rws_drv]")
        .u8(HUNGTASK_A_HOP_RWSEM_WRITE, 1)
        .u64(HUNGTASK_A_HOP_RWSEM_COUNT, 3)
        .u32(HUNGTASK_A_HOP_RWSEM_OWNER_FLAGS, 2)
        .u32(HUNGTASK_A_HOP_RWSEM_READERS, 0)
        .u32(HUNGTASK_A_HOP_RWSEM_WAITERS, 2)
        .u32(HUNGTASK_A_HOP_RWSEM_POSITION, 1)
        .u8(HUNGTASK_A_HOP_RWSEM_LAST_READER, 0)
        .begin(HUNGTASK_A_HOP_RWSEM_OWNER)
        .u32(HUNGTASK_A_TASK_PID, 130)
        .u32(HUNGTASK_A_TASK_TGID, 130)
        .str(HUNGTASK_A_TASK_COMM, "rws_holder")
        .u8(HUNGTASK_A_TASK_STATE, 'S')
        .u32(HUNGTASK_A_TASK_CPU, 0)
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
        .str(HUNGTASK_A_TASK_THREADFN_SYM, "rws_holder_thread [rws_drv]")
        .end()
        .begin(HUNGTASK_A_HOP_RWSEM_OWNER_STACK)
        .begin(HUNGTASK_A_STACK_FRAME)
        .str(HUNGTASK_A_FRAME_SYM, "msleep_interruptible+0x2a/0x50")
        .end()
        .begin(HUNGTASK_A_STACK_FRAME)
        .str(HUNGTASK_A_FRAME_SYM, "rws_hold_and_sleep+0x3c/0x60 [rws_drv]")
        .end()
        .end()
        .u64(HUNGTASK_A_HOP_RWSEM_OWNER_OFFCPU_NS, 8000000000)
        .end();
    Hop h = test::netlink_hop(a);
    ASSERT_TRUE(h.as<RwsemHop>());
    EXPECT_EQ(*h.as<RwsemHop>(), writer_owned(true));
}

TEST(RwsemHop, FromKmsgV2WithOwnerAndStackLines) {
    Hop h = hop_from_kmsg(
        test::kmsg_line("hungtask: v2 seq=3 hop i=0 kind=rwsem verified=1 lock=00000000deadbeef "
                        "lock_sym=\"rws_lock [rws_drv]\" write=1 count=3 owner_flags=2 readers=0 "
                        "waiters=2 position=1 last_reader=0 have_owner=1 "
                        "owner_offcpu_ns=8000000000 stack_note=\"\" reason=\"\""),
        true);
    ASSERT_TRUE(h.as<RwsemHop>());
    EXPECT_TRUE(hop_add_kmsg(
        h, test::kmsg_line(std::string("hungtask: v2 seq=3 owner hop=0 ") + kTaskKeys), true));
    EXPECT_TRUE(hop_add_kmsg(
        h,
        test::kmsg_line(
            "hungtask: v2 seq=3 ownerstack hop=0 i=0 fn=\"msleep_interruptible+0x2a/0x50\","
            "\"rws_hold_and_sleep+0x3c/0x60 [rws_drv]\""),
        true));
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line("hungtask: v2 seq=3 hog hop=0 pid=1"), true));
    hop_end_kmsg(h);
    EXPECT_EQ(*h.as<RwsemHop>(), writer_owned(false));
}

TEST(RwsemHop, JsonRoundTripKeepsKeysAndOrder) {
    Hop h{true, std::nullopt, writer_owned(true)};
    Json j = to_json(h);
    EXPECT_EQ(test::keys(j),
              (std::vector<std::string>{"kind", "verified", "reason", "lock", "lock_sym", "write",
                                        "count", "owner_flags", "readers", "waiters", "position",
                                        "last_reader", "owner", "owner_stack", "owner_stack_note",
                                        "owner_offcpu_ns", "cycle"}));
    EXPECT_EQ(j["kind"], "rwsem");
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(to_json(hop_from_json(j)), j);
    Hop bare{false, std::string("readers own the lock"), RwsemHop{}};
    EXPECT_TRUE(to_json(bare)["owner"].is_null());
    EXPECT_EQ(hop_from_json(to_json(bare)), bare);
}

TEST(RwsemHop, RendersWriterAndLastReader) {
    EXPECT_EQ(test::rendered(Hop{true, std::nullopt, writer_owned(true)}, 1),
              "  1. rwsem (verified): waits to write rw_semaphore rws_lock [rws_drv], owned by "
              "rws_holder (pid 130, CPU 0, state S, kthread rws_holder_thread [rws_drv])\n"
              "       waiters 2, this one at position 1\n"
              "       the owner has been off CPU for 8.0 s\n"
              "       where the owner waits:\n"
              "         msleep_interruptible+0x2a/0x50\n"
              "         rws_hold_and_sleep+0x3c/0x60 [rws_drv]\n");
    RwsemHop r = writer_owned(true);
    r.write = false;
    r.last_reader = true;
    r.readers = 1;
    r.owner_stack.clear();
    r.owner_offcpu_ns = 0;
    EXPECT_EQ(test::rendered(Hop{false, std::string("readers own the lock"), r}, 1),
              "  1. rwsem [unverified]: waits to read rw_semaphore rws_lock [rws_drv], owned by 1 "
              "reader(s); last reader to take it rws_holder (pid 130, CPU 0, state S, kthread "
              "rws_holder_thread [rws_drv]) (may have released it)\n"
              "       waiters 2, this one at position 1\n"
              "       note: readers own the lock\n");
}

}  // namespace
}  // namespace hungtask
