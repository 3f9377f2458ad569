// The store's recurrence counts per chain fingerprint (store/store.hpp, fingerprints.json)
// and the coalescing of module updates (model/coalesce.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "model/coalesce.hpp"
#include "model/fingerprint.hpp"
#include "report/report.hpp"
#include "store/store.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::TempDir;

// One mutex hop whose owner sleeps in `fn` of `mod`: a lock chain.
Incident chain_incident(const std::string& boot, uint64_t seq, int64_t pid, const std::string& fn,
                        const std::string& when) {
    Incident in;
    in.boot_id = boot;
    in.seq = seq;
    in.id = boot_prefix(in.boot_id) + "-" + std::to_string(seq);
    in.detected_at = when;
    in.source = "netlink";
    in.victims.push_back(test::make_victim(pid, "m200-w"));
    in.chain.push_back(test::hop("mutex", true,
                                 {{"lock_sym", "m200_state_lock [m200_drv]"},
                                  {"owner", {{"pid", pid + 1}, {"comm", "m200_holder"},
                                             {"function", "m200_holder_thread"},
                                             {"module", "m200_drv"}}}}));
    in.verdict.kind = VerdictKind::lock_chain;
    in.verdict.culprit = Culprit{pid + 1, "m200_holder", fn, "m200_drv"};
    in.verdict.summary = "m200-w waits for m200_holder";
    in.capture = {{"module_seq", seq}, {"first_seq", seq}, {"instance_id", "00000000000000aa"}};
    return in;
}

TEST(StoreFingerprints, RecurrenceAcrossBootsCountedDurably) {
    TempDir tmp;
    std::ostringstream log;
    std::string dir = tmp / "state";
    {
        auto store = Store::open(dir, log);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->upsert(chain_incident("aaaaaaaa-1", 1, 100, "m200_hold_and_sleep",
                                                 "2026-01-01T00:00:00Z")));
    }
    {
        // Another boot, other pids: the same shape.
        auto store = Store::open(dir, log);
        ASSERT_TRUE(store);
        auto r = store->upsert(chain_incident("bbbbbbbb-2", 1, 555, "m200_hold_and_sleep",
                                              "2026-02-01T00:00:00Z"));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->kind, UpsertKind::created);
        // A different culprit function: another shape.
        ASSERT_TRUE(store->upsert(chain_incident("bbbbbbbb-2", 2, 600, "m200_other",
                                                 "2026-02-01T00:01:00Z")));
    }
    EXPECT_TRUE(std::filesystem::exists(dir + "/fingerprints.json"));
    auto store = Store::open_existing(dir, log);
    ASSERT_TRUE(store);
    auto fp = chain_fingerprint(chain_incident("x", 9, 1, "m200_hold_and_sleep", "2026-03-01T00:00:00Z"));
    auto seen = store->seen(fp);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->count, 2);
    EXPECT_EQ(seen->first_seen, "2026-01-01T00:00:00Z");
    EXPECT_EQ(seen->last_seen, "2026-02-01T00:00:00Z");
    auto other = store->seen(chain_fingerprint(chain_incident("x", 9, 1, "m200_other", "t")));
    ASSERT_TRUE(other);
    EXPECT_EQ(other->count, 1);

    // The export carries the counts; the report says how often the shape was seen.
    int recurring = 0;
    for (const auto& in : store->incidents()) {
        Json j = to_json(in);
        EXPECT_EQ(j["fingerprint"]["hash"], chain_fingerprint(in));
        if (j["fingerprint"]["count"] == 2)
            recurring++;
    }
    EXPECT_EQ(recurring, 2);
    // The same incident stored again (an update) is not counted again.
    auto again = Store::open(dir, log);
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->upsert(chain_incident("bbbbbbbb-2", 1, 555, "m200_hold_and_sleep",
                                             "2026-02-01T00:00:00Z")));
    EXPECT_EQ(again->seen(fp)->count, 2);
}

TEST(StoreFingerprints, ReportSaysSeenNTimesSince) {
    TempDir tmp;
    std::ostringstream log;
    auto store = Store::open(tmp / "state", log);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->upsert(chain_incident("aaaaaaaa-1", 1, 100, "m200_hold_and_sleep",
                                             "2026-01-01T00:00:00Z")));
    ASSERT_TRUE(store->upsert(chain_incident("bbbbbbbb-2", 1, 200, "m200_hold_and_sleep",
                                             "2026-02-01T00:00:00Z")));
    std::ostringstream out;
    TextReport text(out, TextOptions{});
    for (const auto& in : store->incidents())
        text.write_incident(in);
    EXPECT_NE(out.str().find("Seen:      2 times since 2026-01-01"), std::string::npos) << out.str();
}

TEST(StoreFingerprints, ModuleUpdateFoldsIntoTheFirstSend) {
    TempDir tmp;
    std::ostringstream log;
    auto store = Store::open(tmp / "state", log);
    ASSERT_TRUE(store);
    Incident first = chain_incident("aaaaaaaa-1", 3, 100, "m200_hold_and_sleep",
                                    "2026-01-01T00:00:00Z");
    first.victim_count = 16;
    first.victim_sample = std::vector<SampleVictim>{{101, "m200-w"}};
    ASSERT_TRUE(store->upsert(first));
    // Sent again under seq 9 with more victims (module/ring.c hungtask_ring_next_update()).
    Incident update = first;
    update.seq = 9;
    update.id = "aaaaaaaa-9";
    update.capture["module_seq"] = 9;
    update.victim_count = 200;
    auto r = store->upsert(update);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, UpsertKind::updated);
    ASSERT_EQ(store->records().size(), 1u);
    EXPECT_EQ(store->records()[0].incident.id, "aaaaaaaa-3");
    EXPECT_EQ(store->records()[0].incident.victim_count, 200);
    // An older send arriving late does not lower the count.
    auto late = store->upsert(first);
    ASSERT_TRUE(late);
    EXPECT_EQ(store->records()[0].incident.victim_count, 200);
    // A replacement: the victim changed (a longer chain naming the first victim).
    Incident replaced = chain_incident("aaaaaaaa-1", 12, 700, "m200_hold_and_sleep",
                                       "2026-01-01T00:00:05Z");
    replaced.capture["first_seq"] = 3;
    replaced.victim_count = 201;
    ASSERT_TRUE(store->upsert(replaced));
    ASSERT_EQ(store->records().size(), 1u);
    EXPECT_EQ(store->records()[0].incident.victims[0].pid, 700);
    EXPECT_EQ(store->records()[0].incident.id, "aaaaaaaa-3");
}

}  // namespace
}  // namespace hungtask
