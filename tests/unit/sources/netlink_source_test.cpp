// The pure part of the netlink reader contract (ModuleCursor, netlink_source.hpp): how
// the daemon tells the next incident from a gap, a module reload and an overlap.
#include "sources/netlink_source.hpp"

#include <gtest/gtest.h>

namespace hungtask {
namespace {

using Action = ModuleCursor::EventAction;

const std::string kBoot = "0123abcd-1111-2222-3333-444455556666";
const std::string kOtherBoot = "9999abcd-1111-2222-3333-444455556666";
constexpr uint64_t kInstanceA = 0x1111222233334444;
constexpr uint64_t kInstanceB = 0x5555666677778888;

// The daemon's loop, reduced to the cursor: status, then every seq up to last is stored.
void sync_all(ModuleCursor& c, const std::string& boot, uint64_t instance, uint64_t last) {
    c.on_status(boot, instance, last);
    for (uint64_t seq = c.last_seen() + 1; seq <= last; seq++)
        c.delivered(seq);
}

TEST(ModuleCursor, EventsInSequenceAreDeliveredAndOverlapsIgnored) {
    ModuleCursor c;
    EXPECT_FALSE(c.on_status(kBoot, kInstanceA, 0));
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 1, false), Action::deliver);
    c.delivered(1);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 2, false), Action::deliver);
    c.delivered(2);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 2, false), Action::ignore);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 1, false), Action::ignore);
}

TEST(ModuleCursor, AGapIsFetchedByDump) {
    ModuleCursor c;
    sync_all(c, kBoot, kInstanceA, 3);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 5, false), Action::dump);
    // The status that sync() reads keeps the space: the dump goes on from 4.
    EXPECT_FALSE(c.on_status(kBoot, kInstanceA, 5));
    EXPECT_EQ(c.last_seen(), 3u);
}

TEST(ModuleCursor, AReducedEventIsFetchedByDump) {
    ModuleCursor c;
    sync_all(c, kBoot, kInstanceA, 3);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 4, true), Action::dump);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 3, true), Action::ignore);
}

// The case a reload without instance ids hid: the new instance has already stored as
// many incidents as the old one had when the daemon first sees it.  Seq 1..5 of the new
// instance are new incidents, not ones the daemon has.
TEST(ModuleCursor, AReloadWithTheSameBootIdIsANewSpaceEvenWhenSeqGrewPast) {
    ModuleCursor c;
    sync_all(c, kBoot, kInstanceA, 5);
    ASSERT_EQ(c.last_seen(), 5u);
    EXPECT_TRUE(c.on_status(kBoot, kInstanceB, 7));
    EXPECT_EQ(c.last_seen(), 0u) << "seq 1..7 of the new instance must be dumped";
    EXPECT_EQ(c.instance_id(), kInstanceB);
}

// An event of the new instance that looks like the next seq of the old one.
TEST(ModuleCursor, AnEventOfAnotherInstanceIsNeverTakenForTheNextSeq) {
    ModuleCursor c;
    sync_all(c, kBoot, kInstanceA, 5);
    EXPECT_EQ(c.on_event(kBoot, kInstanceB, 6, false), Action::dump);
    EXPECT_EQ(c.on_event(kBoot, kInstanceB, 1, false), Action::dump);
}

TEST(ModuleCursor, AnotherBootIsANewSpace) {
    ModuleCursor c;
    sync_all(c, kBoot, kInstanceA, 5);
    EXPECT_TRUE(c.on_status(kOtherBoot, kInstanceA, 9));
    EXPECT_EQ(c.last_seen(), 0u);
    EXPECT_EQ(c.on_event(kBoot, kInstanceA, 6, false), Action::dump);
}

// A module older than instance ids sends none (0): a ring that went back is a reload.
TEST(ModuleCursor, WithoutInstanceIdsARingThatWentBackIsANewSpace) {
    ModuleCursor c;
    sync_all(c, kBoot, 0, 5);
    EXPECT_FALSE(c.on_status(kBoot, 0, 6));
    EXPECT_EQ(c.last_seen(), 5u);
    EXPECT_TRUE(c.on_status(kBoot, 0, 2));
    EXPECT_EQ(c.last_seen(), 0u);
}

}  // namespace
}  // namespace hungtask
