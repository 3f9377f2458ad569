#include "store/store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <filesystem>
#include <sstream>

#include "decode/kernel_log.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::make_victim;

using test::TempDir;

unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

Incident sample(int64_t pid, std::optional<std::string> boot = "6f1d7c3a-aaaa") {
    Incident in;
    in.id = "provisional-1";
    in.seq = 1;
    in.boot_id = boot;
    in.detected_at = "2025-11-25T06:51:08Z";
    in.victims.push_back(make_victim(pid, "task" + std::to_string(pid)));
    in.verdict.summary = "kernel hung-task report only";
    in.source = "kmsg";
    return in;
}

// A clock the tests move by hand, so retention order is deterministic.
struct FakeClock {
    int64_t now = 1764053468;
    std::function<int64_t()> fn() {
        return [this] { return now++; };
    }
};

TEST(Store, CreatesPrivateVersionedLayout) {
    TempDir tmp;
    std::ostringstream log;
    std::string dir = tmp / "state";
    auto store = Store::open(dir, log);
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(dir + "/incidents"), 0700u);
    EXPECT_EQ(test::read_file(dir + "/FORMAT"), "hungtaskd-store 1\n");
    auto r = store->upsert(sample(123));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->kind, UpsertKind::created);
    EXPECT_EQ(r->incident.id, "6f1d7c3a-1");
    std::string path = dir + "/incidents/6f1d7c3a-1.json";
    EXPECT_EQ(mode_of(path), 0600u) << "records hold kernel addresses";
    Json j = Json::parse(test::read_file(path));
    EXPECT_EQ(j["format"], 1);
    EXPECT_EQ(j["incident"]["id"], "6f1d7c3a-1");
    EXPECT_TRUE(j["stored_at"].is_string());
    // No temporary file is left behind.
    size_t files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir + "/incidents")) {
        (void)e;
        files++;
    }
    EXPECT_EQ(files, 1u);
    EXPECT_TRUE(log.str().empty()) << log.str();
}

TEST(Store, TightensAPreexistingLooseDirectory) {
    TempDir tmp;
    std::ostringstream log;
    std::string dir = tmp / "loose";
    ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
    ASSERT_TRUE(Store::open(dir, log));
    EXPECT_EQ(mode_of(dir), 0700u);
}

TEST(Store, ReopenLoadsRecordsAndAssignsNextSeqPerBoot) {
    TempDir tmp;
    std::ostringstream log;
    {
        auto s = Store::open(tmp.path(), log);
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->upsert(sample(1)));
        ASSERT_TRUE(s->upsert(sample(2)));
        ASSERT_TRUE(s->upsert(sample(3, "0badc0de-bbbb")));
        ASSERT_TRUE(s->upsert(sample(4, std::nullopt)));
    }
    auto s = Store::open(tmp.path(), log);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->records().size(), 4u);
    EXPECT_NE(s->find("6f1d7c3a-2"), nullptr);
    EXPECT_NE(s->find("0badc0de-1"), nullptr);
    EXPECT_NE(s->find("noboot-1"), nullptr);
    Incident fifth = sample(5);
    fifth.id = "6f1d7c3a-1";  // taken: renumbered
    auto r = s->upsert(fifth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->incident.id, "6f1d7c3a-3");
    EXPECT_EQ(r->incident.seq, 3u);
}

TEST(Store, KeepsAFreeWellFormedIdAndRenumbersATakenOne) {
    TempDir tmp;
    std::ostringstream log;
    auto s = Store::open(tmp.path(), log);
    ASSERT_TRUE(s);
    Incident a = sample(1);
    a.id = "6f1d7c3a-7";
    a.seq = 7;
    auto ra = s->upsert(a);
    ASSERT_TRUE(ra);
    EXPECT_EQ(ra->incident.id, "6f1d7c3a-7") << "e.g. the kernel ring's seq";
    Incident b = sample(2);
    b.id = "6f1d7c3a-7";
    b.seq = 7;
    auto rb = s->upsert(b);
    ASSERT_TRUE(rb);
    EXPECT_EQ(rb->incident.id, "6f1d7c3a-8") << "another episode never takes a used id";
    Incident c = sample(3);
    c.id = "noboot-1";  // wrong prefix for its boot
    auto rc = s->upsert(c);
    ASSERT_TRUE(rc);
    EXPECT_EQ(rc->incident.id, "6f1d7c3a-9");
}

// After rmmod/insmod the module's seq starts at 1 again with the same boot id: seq 1 of
// the second instance must not overwrite seq 1 of the first.
TEST(Store, TwoModuleInstancesWithTheSameSeqKeepBothRecords) {
    TempDir tmp;
    std::ostringstream log;
    auto store = Store::open(tmp / "state", log);
    ASSERT_TRUE(store) << store.error().to_string();
    auto from_instance = [](int64_t pid, const char* instance) {
        Incident in = sample(pid);
        in.id = "6f1d7c3a-1";  // as the netlink decoder names seq 1
        in.source = "netlink";
        in.capture = {{"module_seq", 1}, {"instance_id", instance}};
        return in;
    };
    auto a = store->upsert(from_instance(100, "1111222233334444"));
    auto b = store->upsert(from_instance(200, "5555666677778888"));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->kind, UpsertKind::created);
    EXPECT_EQ(b->kind, UpsertKind::created);
    EXPECT_NE(a->incident.id, b->incident.id);
    ASSERT_EQ(store->records().size(), 2u);
    const Incident* first = store->find(a->incident.id);
    const Incident* second = store->find(b->incident.id);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->victims[0].pid, 100);
    EXPECT_EQ(first->capture["instance_id"], "1111222233334444");
    EXPECT_EQ(second->victims[0].pid, 200);
    EXPECT_EQ(second->capture["instance_id"], "5555666677778888");
    EXPECT_EQ(second->capture["module_seq"], 1) << "the module's own seq stays on record";
    // Both survive a reopen.
    auto again = Store::open(tmp / "state", log);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->records().size(), 2u);
}

TEST(Store, CoalescedUpdateRewritesTheSameRecord) {
    TempDir tmp;
    std::ostringstream log;
    auto s = Store::open(tmp.path(), log);
    ASSERT_TRUE(s);
    Incident first = sample(123);
    auto r1 = s->upsert(first);
    ASSERT_TRUE(r1);
    Incident again = first;
    again.repeats = 3;
    again.victims[0].blocked_s = 30;
    auto r2 = s->upsert(again);
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->kind, UpsertKind::updated);
    EXPECT_EQ(r2->incident.id, r1->incident.id);
    EXPECT_EQ(s->records().size(), 1u);
    auto r3 = s->upsert(again);
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->kind, UpsertKind::unchanged) << "same content: no rewrite";

    auto reopened = Store::open(tmp.path(), log);
    ASSERT_TRUE(reopened);
    const Incident* got = reopened->find(r1->incident.id);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->repeats, 3);
    EXPECT_EQ(got->victims[0].blocked_s, 30);
}

TEST(Store, CorruptRecordsAreReportedAndSkipped) {
    TempDir tmp;
    std::ostringstream log;
    {
        auto s = Store::open(tmp.path(), log);
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->upsert(sample(1)));
    }
    std::string idir = tmp / "incidents";
    test::write_file(idir + "/torn-1.json", "{\"format\":1,\"incident\":{\"id\":\"tor");
    test::write_file(idir + "/wrongfmt-1.json", "{\"format\":2,\"incident\":{}}");
    test::write_file(idir + "/badfield-1.json", "{\"format\":1,\"incident\":" + dump_json([] {
                                                    Json j = to_json(sample(9));
                                                    j["id"] = "badfield-1";
                                                    j["victims"][0]["pid"] = "nine";
                                                    return j;
                                                }()) +
                                                    "}");
    test::write_file(idir + "/.6f1d7c3a-9.json.123.tmp", "leftover from a crash");
    auto s = Store::open(tmp.path(), log);
    ASSERT_TRUE(s) << "a bad record is never fatal";
    EXPECT_EQ(s->records().size(), 1u);
    std::string warnings = log.str();
    EXPECT_NE(warnings.find(idir + "/torn-1.json: not valid JSON"), std::string::npos) << warnings;
    EXPECT_NE(warnings.find(idir + "/wrongfmt-1.json: format: unsupported record format 2"),
              std::string::npos)
        << warnings;
    EXPECT_NE(
        warnings.find(idir + "/badfield-1.json: incident: victims[0].pid: expected an integer"),
        std::string::npos)
        << warnings;
    EXPECT_EQ(warnings.find(".json.123.tmp"), std::string::npos) << "temp files are not records";
}

TEST(Store, RefusesAnotherFormat) {
    TempDir tmp;
    std::ostringstream log;
    test::write_file(tmp / "FORMAT", "hungtaskd-store 2\n");
    auto s = Store::open(tmp.path(), log);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().to_string().find("unsupported store format"), std::string::npos);
    EXPECT_FALSE(Store::open_existing(tmp.path(), log));
}

TEST(Store, OpenExistingDoesNotCreate) {
    TempDir tmp;
    std::ostringstream log;
    auto s = Store::open_existing(tmp / "nothing", log);
    ASSERT_FALSE(s);
    EXPECT_FALSE(std::filesystem::exists(tmp / "nothing"));
}

TEST(Store, RetentionByCountPrunesOldestAndSaysSo) {
    TempDir tmp;
    std::ostringstream log;
    FakeClock clock;
    auto s = Store::open(tmp.path(), log, StoreLimits{3, 1ull << 30}, clock.fn());
    ASSERT_TRUE(s);
    for (int pid = 1; pid <= 5; pid++)
        ASSERT_TRUE(s->upsert(sample(pid)));
    EXPECT_EQ(s->records().size(), 3u);
    EXPECT_EQ(s->find("6f1d7c3a-1"), nullptr);
    EXPECT_EQ(s->find("6f1d7c3a-2"), nullptr);
    EXPECT_NE(s->find("6f1d7c3a-5"), nullptr);
    EXPECT_FALSE(std::filesystem::exists(tmp / "incidents/6f1d7c3a-1.json"));
    EXPECT_NE(
        log.str().find("hungtaskd: store: pruned 1 oldest incident record(s) to stay within 3 "
                       "records / 1073741824 bytes: 6f1d7c3a-1"),
        std::string::npos)
        << log.str();
    // Ids are not reused after pruning.
    auto r = s->upsert(sample(6));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->incident.id, "6f1d7c3a-6");
}

TEST(Store, RetentionByBytesKeepsTheNewest) {
    TempDir tmp;
    std::ostringstream log;
    FakeClock clock;
    auto s = Store::open(tmp.path(), log, StoreLimits{1000, 1}, clock.fn());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->upsert(sample(1)));
    ASSERT_TRUE(s->upsert(sample(2)));
    ASSERT_EQ(s->records().size(), 1u) << "the record just written is never pruned";
    EXPECT_NE(s->find("6f1d7c3a-2"), nullptr);
}

TEST(Store, ScanningTheSameLogTwiceDoesNotDuplicate) {
    TempDir tmp;
    std::ostringstream log;
    auto s = Store::open(tmp.path(), log);
    ASSERT_TRUE(s);
    auto parsed = parse_kernel_log(test::fixture("logs/hung-6.1-console.log"),
                                   LogContext{"log:x", std::nullopt});
    ASSERT_EQ(parsed.size(), 2u);
    for (int round = 0; round < 2; round++) {
        for (const auto& in : parsed) {
            auto r = s->upsert(in);
            ASSERT_TRUE(r);
            EXPECT_EQ(r->kind, round == 0 ? UpsertKind::created : UpsertKind::unchanged);
        }
    }
    EXPECT_EQ(s->records().size(), 2u);
}

TEST(Store, AtomicWriteReplacesWholeFile) {
    TempDir tmp;
    std::string path = tmp / "f.json";
    ASSERT_TRUE(write_file_atomic(path, std::string(100000, 'a'), 0600));
    ASSERT_TRUE(write_file_atomic(path, "short", 0600));
    EXPECT_EQ(test::read_file(path), "short");
    EXPECT_EQ(mode_of(path), 0600u);
    auto bad = write_file_atomic(tmp / "missing-dir/f.json", "x", 0600);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().where.find("missing-dir"), std::string::npos);
}

TEST(Store, WriteFailureIsAnErrorValue) {
    TempDir tmp;
    std::ostringstream log;
    auto s = Store::open(tmp.path(), log);
    ASSERT_TRUE(s);
    // Works as root too: a file where the directory was makes every create fail.
    std::filesystem::remove_all(tmp / "incidents");
    test::write_file(tmp / "incidents", "not a directory");
    auto r = s->upsert(sample(1));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().to_string().find("cannot create"), std::string::npos)
        << r.error().to_string();
    EXPECT_TRUE(s->records().empty()) << "nothing is recorded as stored";
}

}  // namespace
}  // namespace hungtask
