#include "model/incident.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/coalesce.hpp"
#include "model/frames.hpp"
#include "model/iso_time.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::make_victim;

// A fully populated incident, chain and culprit included, like the module will produce.
Incident full_incident() {
    Incident in;
    in.id = "6f1d7c3a-3";
    in.boot_id = "6f1d7c3a-1111-4a4a-9b9b-0123456789ab";
    in.seq = 3;
    in.detected_at = "2025-11-25T06:51:08Z";
    in.trigger = Trigger::hung_task;
    Victim v;
    v.pid = 1;
    v.comm = "systemd";
    v.state = "D";
    v.blocked_s = 122;
    v.syscall = "rmdir";
    v.stack = {"__schedule+0x34d/0x9e0", "schedule+0x5a/0xd0", "__flush_work.isra.0+0x1a8/0x290",
               "cgroup_rmdir+0x3c/0x120"};
    v.ppid = 0;
    v.stack_unreliable = {"usleep_range_state+0x90/0x90"};
    in.victims.push_back(v);
    in.chain.push_back(test::hop("task", true, {{"pid", 1}, {"comm", "systemd"}}));
    in.chain.push_back(
        test::hop("flush_work", true, {{"work_func", "lo_vendor_work [lo_vendor]"}}));
    in.chain.push_back(test::hop("worker", true, {{"comm", "kworker/3:2"}, {"runnable", true}}));
    // A kind this daemon has no type for: its members are kept as read.
    in.chain.push_back(
        test::hop("cpu_sample", false, {{"cpu", 3}, {"curr", "lo_poll"}, {"runtime_s", 1038.5}}));
    in.verdict.kind = VerdictKind::runqueue_starvation;
    in.verdict.culprit = Culprit{1234, "lo_poll", "lo_poll_fn", "lo_vendor"};
    in.verdict.summary = "CPU 3 held by lo_poll; kworker/3:2 starved";
    in.verdict.confidence = Confidence::high;
    in.verdict.evidence = {"lo_poll (pid 1234) has been on CPU 3 for 1038.0 s"};
    in.verdict.next_steps = {"Report to the maintainer of lo_vendor",
                             "echo l > /proc/sysrq-trigger"};
    in.host.kernel_release = "6.1.0-56-amd64";
    in.host.preemption = "none";
    in.host.watchdog = 0;
    in.host.softlockup_panic = 0;
    in.host.hung_task_timeout_secs = 120;
    in.host.hung_task_panic = 1;
    in.host.taint = "O";
    in.host.out_of_tree_modules = std::vector<std::string>{"lo_vendor"};
    in.source = "netlink";
    in.repeats = 2;
    in.panicked = true;
    in.first_seen_uptime_s = 245.002113;
    in.last_seen_uptime_s = 367.5;
    return in;
}

TEST(Incident, JsonRoundTripIsLossless) {
    Incident in = full_incident();
    auto back = incident_from_json(Json::parse(dump_json(to_json(in))));
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(*back, in);

    Incident sparse;  // every optional unknown
    sparse.id = "noboot-1";
    sparse.seq = 1;
    sparse.victims.push_back(make_victim(7, "x"));
    auto back2 = incident_from_json(to_json(sparse));
    ASSERT_TRUE(back2) << back2.error().to_string();
    EXPECT_EQ(*back2, sparse);
}

TEST(Incident, UnknownValuesAreJsonNull) {
    Incident in;
    in.id = "noboot-1";
    in.victims.push_back(make_victim(7, "x"));
    Json j = to_json(in);
    EXPECT_TRUE(j["boot_id"].is_null());
    EXPECT_TRUE(j["detected_at"].is_null());
    EXPECT_TRUE(j["verdict"]["culprit"].is_null());
    EXPECT_TRUE(j["victims"][0]["syscall"].is_null());
    EXPECT_TRUE(j["victims"][0]["blocked_s"].is_null());
    EXPECT_TRUE(j["host"]["watchdog"].is_null());
    EXPECT_TRUE(j["host"]["out_of_tree_modules"].is_null());
    EXPECT_EQ(j["trigger"], "hung_task");
    EXPECT_EQ(j["verdict"]["kind"], "unknown");
}

TEST(Incident, DesignFieldsComeFirstInOrder) {
    Json j = to_json(full_incident());
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it)
        keys.push_back(it.key());
    std::vector<std::string> head(keys.begin(), keys.begin() + 10);
    EXPECT_EQ(head,
              (std::vector<std::string>{"schema_version", "id", "boot_id", "seq", "detected_at",
                                        "trigger", "victims", "chain", "verdict", "host"}));
    EXPECT_EQ(j["chain"][3]["runtime_s"], 1038.5);
    EXPECT_EQ(j["chain"][3]["verified"], false);
}

struct BadCase {
    const char* name;
    std::function<void(Json&)> mutate;
    std::string where;
};

TEST(Incident, StrictReadingNamesTheField) {
    const BadCase cases[] = {
        {"missing id", [](Json& j) { j.erase("id"); }, "id"},
        {"empty id", [](Json& j) { j["id"] = ""; }, "id"},
        {"path in id", [](Json& j) { j["id"] = "../etc/passwd"; }, "id"},
        {"seq negative", [](Json& j) { j["seq"] = -1; }, "seq"},
        {"seq string", [](Json& j) { j["seq"] = "3"; }, "seq"},
        {"bad time", [](Json& j) { j["detected_at"] = "yesterday"; }, "detected_at"},
        {"victims not array", [](Json& j) { j["victims"] = Json::object(); }, "victims"},
        {"pid string", [](Json& j) { j["victims"][0]["pid"] = "1"; }, "victims[0].pid"},
        {"pid null", [](Json& j) { j["victims"][0]["pid"] = nullptr; }, "victims[0].pid"},
        {"missing syscall", [](Json& j) { j["victims"][0].erase("syscall"); },
         "victims[0].syscall"},
        {"stack item", [](Json& j) { j["victims"][0]["stack"][1] = 5; }, "victims[0].stack[1]"},
        {"hop kind", [](Json& j) { j["chain"][2].erase("kind"); }, "chain[2].kind"},
        {"hop verified", [](Json& j) { j["chain"][0]["verified"] = "yes"; }, "chain[0].verified"},
        {"culprit type", [](Json& j) { j["verdict"]["culprit"] = "lo_poll"; }, "verdict.culprit"},
        {"culprit module", [](Json& j) { j["verdict"]["culprit"]["module"] = 3; },
         "verdict.culprit.module"},
        {"confidence number", [](Json& j) { j["verdict"]["confidence"] = 1; },
         "verdict.confidence"},
        {"evidence string", [](Json& j) { j["verdict"]["evidence"] = "seen"; }, "verdict.evidence"},
        {"evidence null", [](Json& j) { j["verdict"]["evidence"] = nullptr; }, "verdict.evidence"},
        {"evidence item", [](Json& j) { j["verdict"]["evidence"][0] = 7; }, "verdict.evidence[0]"},
        {"next steps object", [](Json& j) { j["verdict"]["next_steps"] = Json::object(); },
         "verdict.next_steps"},
        {"host missing", [](Json& j) { j.erase("host"); }, "host"},
        {"host watchdog", [](Json& j) { j["host"]["watchdog"] = "0"; }, "host.watchdog"},
        {"oot modules", [](Json& j) { j["host"]["out_of_tree_modules"] = {1}; },
         "host.out_of_tree_modules[0]"},
        {"trigger number", [](Json& j) { j["trigger"] = 3; }, "trigger"},
        {"schema_version string", [](Json& j) { j["schema_version"] = "1"; }, "schema_version"},
        {"related string", [](Json& j) { j["related"] = "x-1"; }, "related"},
        {"repeats zero", [](Json& j) { j["repeats"] = 0; }, "repeats"},
        {"huge int", [](Json& j) { j["victims"][0]["pid"] = UINT64_MAX; }, "victims[0].pid"},
    };
    for (const auto& c : cases) {
        Json j = to_json(full_incident());
        c.mutate(j);
        auto r = incident_from_json(j);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().where, c.where) << c.name << ": " << r.error().to_string();
    }
}

TEST(Incident, ArrayErrorsCarryFileAndIndex) {
    Json arr = Json::array({to_json(full_incident()), to_json(full_incident())});
    arr[1]["victims"][0]["comm"] = 5;
    auto r = incidents_from_text(dump_json(arr), "export.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().to_string(), "export.json: [1].victims[0].comm: expected a string");

    auto notjson = incidents_from_text("{[", "x.json");
    ASSERT_FALSE(notjson);
    EXPECT_EQ(notjson.error().to_string(), "x.json: not valid JSON");

    auto notarray = incidents_from_text("{}", "y.json");
    ASSERT_FALSE(notarray);
    EXPECT_EQ(notarray.error().to_string(), "y.json: expected a JSON array of incidents");
}

// The record says which format it is in; every optional field is present, null when
// unknown (docs/incident.schema.json).
TEST(Incident, CarriesSchemaVersionAndEveryOptionalFieldAsNull) {
    Incident in;
    in.id = "noboot-1";
    in.victims.push_back(make_victim(7, "x"));
    Json j = to_json(in);
    EXPECT_EQ(j["schema_version"], kSchemaVersion);
    for (const char* k : {"path", "cgroup", "cpu", "syscall_abi", "tgid", "ppid", "workqueue"}) {
        ASSERT_TRUE(j["victims"][0].contains(k)) << k;
        EXPECT_TRUE(j["victims"][0][k].is_null()) << k;
    }
    EXPECT_TRUE(j["capture"].is_null());
    EXPECT_TRUE(j["related"].is_array());
    // A record written before the version existed still reads.
    j.erase("schema_version");
    j.erase("related");
    EXPECT_TRUE(incident_from_json(j));
}

// A newer producer's enum values and fields are kept, shown as unknown, and written back
// unchanged: an older reader never rejects a newer export.
TEST(Incident, UnknownValuesAndFieldsOfANewerProducerRoundTrip) {
    Json j = to_json(full_incident());
    j["schema_version"] = 7;
    j["trigger"] = "io_stall";
    j["verdict"]["kind"] = "io_wait_on_device";
    j["verdict"]["confidence"] = "certain";
    j["verdict"]["device"] = "nvme0n1";
    j["verdict"]["culprit"]["cgroup"] = "/system.slice/x";
    j["victims"][0]["numa_node"] = 1;
    j["host"]["cpus"] = 64;
    j["chain"][1]["lock_class"] = {{"name", "&sb->s_type->i_mutex_key"}};
    j["chain"].push_back({{"kind", "rcu"}, {"verified", true}, {"gp_seq", 1234}});
    j["fleet"] = {{"rack", "r12"}};
    auto r = incident_from_json(j);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->trigger, Trigger::other);
    EXPECT_EQ(trigger_display(*r), "io_stall (unknown to this hungtaskd)");
    EXPECT_EQ(r->verdict.kind, VerdictKind::other);
    EXPECT_EQ(verdict_kind_display(r->verdict), "io_wait_on_device (unknown to this hungtaskd)");
    auto unknown = unknown_fields(*r);
    for (const char* f : {"fleet", "victims[0].numa_node", "chain[1].lock_class", "verdict.device",
                          "verdict.culprit.cgroup", "host.cpus"})
        EXPECT_NE(std::find(unknown.begin(), unknown.end(), f), unknown.end()) << f;
    EXPECT_EQ(std::find(unknown.begin(), unknown.end(), "chain[1].target"), unknown.end());
    EXPECT_EQ(r->chain.back().kind(), "rcu");
    Json back = to_json(*r);
    back["schema_version"] = 7;  // the writer writes its own version; all else is kept
    // The fingerprint is computed from the chain and verdict, which this test changed.
    j["fingerprint"]["hash"] = back["fingerprint"]["hash"];
    EXPECT_EQ(back, j);
    auto again = incident_from_json(back);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *r);
}

// Inside a hop too: a member of a hop's task object or of an array element of a hop is a
// newer producer's as much as a member of the hop itself; kept, named by its path.
TEST(Incident, UnknownFieldsNestedInAHopRoundTrip) {
    // The seed look-alike export: its worker hop has a task, its cpu hop a hog.
    Json j = Json::parse(test::read_file(test::fixture_path("json/report.json")))[0];
    size_t with_task = j["chain"].size();
    std::string task_key;
    for (size_t i = 0; i < j["chain"].size(); i++)
        for (const char* k : {"task", "hog", "owner"})
            if (j["chain"][i].contains(k) && j["chain"][i][k].is_object() &&
                with_task == j["chain"].size())
                with_task = i, task_key = k;
    ASSERT_LT(with_task, j["chain"].size()) << "full_incident() has a hop with a task";
    j["chain"][with_task][task_key]["cgroup_id"] = 4242;
    j["chain"][with_task][task_key]["sched"] = {{"vruntime", 99}};
    auto r = incident_from_json(j);
    ASSERT_TRUE(r) << r.error().to_string();
    auto unknown = unknown_fields(*r);
    std::string at = "chain[" + std::to_string(with_task) + "]." + task_key + ".";
    for (const std::string& f : {at + "cgroup_id", at + "sched"})
        EXPECT_NE(std::find(unknown.begin(), unknown.end(), f), unknown.end()) << f;
    Json back = to_json(*r);
    EXPECT_EQ(back["chain"][with_task][task_key], j["chain"][with_task][task_key]);
}

// Records stored before verdicts had confidence, evidence and next steps still read.
TEST(Incident, VerdictExtrasAreOptionalWhenReading) {
    Json j = to_json(full_incident());
    EXPECT_EQ(j["verdict"]["confidence"], "high");
    EXPECT_EQ(j["verdict"]["evidence"].size(), 1u);
    EXPECT_EQ(j["verdict"]["next_steps"].size(), 2u);
    j["verdict"].erase("confidence");
    j["verdict"].erase("evidence");
    j["verdict"].erase("next_steps");
    auto old = incident_from_json(j);
    ASSERT_TRUE(old) << old.error().to_string();
    EXPECT_FALSE(old->verdict.confidence);
    EXPECT_TRUE(old->verdict.evidence.empty());
    EXPECT_TRUE(old->verdict.next_steps.empty());
    EXPECT_EQ(old->verdict.summary, full_incident().verdict.summary);

    j["verdict"]["confidence"] = nullptr;  // what to_json writes when it is unknown
    auto unknown = incident_from_json(j);
    ASSERT_TRUE(unknown) << unknown.error().to_string();
    EXPECT_FALSE(unknown->verdict.confidence);
    for (auto c : {Confidence::high, Confidence::medium, Confidence::low})
        EXPECT_EQ(confidence_from_string(to_string(c)), c);
}

// A summary is taken with its evidence and advice, never mixed with another's.
TEST(Incident, MergeTakesAVerdictsPartsTogether) {
    Incident old = full_incident();
    Incident upd = full_incident();
    upd.verdict.summary = "newer account";
    upd.verdict.confidence = Confidence::medium;
    upd.verdict.evidence = {"newer fact"};
    upd.verdict.next_steps.clear();
    Incident m = merge_incident(old, upd);
    EXPECT_EQ(m.verdict.summary, "newer account");
    EXPECT_EQ(m.verdict.confidence, Confidence::medium);
    EXPECT_EQ(m.verdict.evidence, std::vector<std::string>{"newer fact"});
    EXPECT_TRUE(m.verdict.next_steps.empty());
    EXPECT_EQ(m.verdict.culprit, old.verdict.culprit);
}

TEST(Incident, FixtureExportReadsBack) {
    auto r = incidents_from_text(test::fixture("json/report.json"), "report.json");
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].verdict.kind, VerdictKind::runqueue_starvation);
}

TEST(Incident, KeyIdentifiesTheSameEpisode) {
    Incident a = full_incident();
    Incident b = a;
    b.id = "other";
    b.seq = 99;
    b.repeats = 7;
    EXPECT_EQ(incident_key(a), incident_key(b));
    b.victims[0].pid = 2;
    EXPECT_NE(incident_key(a), incident_key(b));
    Incident c = a;
    c.boot_id = "another-boot";
    EXPECT_NE(incident_key(a), incident_key(c));
    Incident d = a, e = a;
    d.boot_id.reset();
    e.boot_id.reset();
    e.first_seen_uptime_s = 1.0;
    EXPECT_NE(incident_key(d), incident_key(e)) << "unknown boot: first report time separates";
}

TEST(Incident, MergeKeepsIdentityAndTakesMaxima) {
    Incident old = full_incident();
    old.verdict = Verdict{};
    old.chain.clear();
    old.repeats = 1;
    old.panicked = false;
    Incident upd = full_incident();
    upd.id = "ignored";
    upd.seq = 77;
    upd.repeats = 4;
    upd.victims[0].blocked_s = 300;
    upd.victims[0].stack = {"other+0x1/0x2"};
    Incident m = merge_incident(old, upd);
    EXPECT_EQ(m.id, old.id);
    EXPECT_EQ(m.seq, old.seq);
    EXPECT_EQ(m.repeats, 4);
    EXPECT_EQ(m.victims[0].blocked_s, 300);
    EXPECT_EQ(m.victims[0].stack, old.victims[0].stack) << "the first full stack is kept";
    EXPECT_TRUE(m.panicked);
    EXPECT_EQ(m.verdict.kind, VerdictKind::runqueue_starvation) << "a proven verdict wins";
    EXPECT_EQ(m.chain.size(), 4u);
    EXPECT_EQ(merge_incident(m, old).repeats, 4) << "never goes backwards";
}

TEST(Incident, FrameHelpers) {
    EXPECT_EQ(frame_function("flush_work+0x12c/0x1e0"), "flush_work");
    EXPECT_EQ(frame_function(" ? __flush_work.isra.0+0x1a8/0x290"), "__flush_work");
    EXPECT_EQ(frame_function("acme_sync_write+0x33/0x60 [acme_drv]"), "acme_sync_write");
    EXPECT_EQ(frame_module("acme_sync_write+0x33/0x60 [acme_drv]"), "acme_drv");
    EXPECT_EQ(frame_module("x+0x1/0x2 [mod 0123abcd]"), "mod");
    EXPECT_EQ(frame_module("schedule+0x5a/0xd0"), std::nullopt);
    Victim v;
    v.stack = {"__schedule+0x1/0x2", "schedule+0x1/0x2", "schedule_timeout+0x1/0x2",
               "wait_for_completion+0x1/0x2", "flush_work+0x1/0x2"};
    EXPECT_EQ(blocked_in(v), "flush_work");
    v.stack = {"__schedule+0x1/0x2"};
    EXPECT_EQ(blocked_in(v), std::nullopt);
}

TEST(Incident, Iso8601) {
    EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(iso8601_utc(1764053468), "2025-11-25T06:51:08Z");
    EXPECT_EQ(normalize_iso8601("2025-11-25"), "2025-11-25T00:00:00Z");
    EXPECT_EQ(normalize_iso8601("2025-11-25T06:51"), "2025-11-25T06:51:00Z");
    EXPECT_EQ(normalize_iso8601("2025-11-25T06:51:08Z"), "2025-11-25T06:51:08Z");
    EXPECT_EQ(normalize_iso8601("2025-11-25 06:51:08"), "2025-11-25T06:51:08Z");
    EXPECT_EQ(normalize_iso8601("2025-13-01"), std::nullopt);
    EXPECT_EQ(normalize_iso8601("2025-11-25T06:51:08+02:00"), std::nullopt)
        << "only UTC is accepted, rather than guessing an offset";
    EXPECT_EQ(normalize_iso8601("tomorrow"), std::nullopt);
}

TEST(Incident, SanitizeUtf8) {
    EXPECT_EQ(sanitize_utf8("plain"), "plain");
    EXPECT_EQ(sanitize_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
    EXPECT_EQ(sanitize_utf8("a\xff"
                            "b\xc3"),
              "a?b?");
    EXPECT_EQ(sanitize_utf8("\xed\xa0\x80"), "???") << "surrogates are not UTF-8";
}

}  // namespace
}  // namespace hungtask

namespace hungtask {
namespace {

// The hog sampler reports one hold again as it grows and when it ends (module/hog.c): the
// stored incident takes the newest report's hop notes, never an older one's; other
// triggers keep their first chain.
TEST(Incident, MergeOfCpuHogReportsTakesTheNewestNote) {
    Incident old = full_incident();
    old.trigger = Trigger::cpu_hog;
    old.chain[0].reason = "hog sampler: report 1: held CPU 1 for 3.1 s";
    Incident end = old;
    end.seq = old.seq + 2;
    end.chain[0].reason = "hog sampler: ended: held CPU 1 for 15.1 s without a switch";
    Incident m = merge_incident(old, end);
    EXPECT_EQ(m.chain[0].reason, end.chain[0].reason);
    EXPECT_EQ(m.seq, old.seq);
    EXPECT_EQ(merge_incident(m, old).chain[0].reason, end.chain[0].reason) << "never backwards";
    old.trigger = end.trigger = Trigger::hung_task;
    EXPECT_EQ(merge_incident(old, end).chain[0].reason, old.chain[0].reason);
}

}  // namespace
}  // namespace hungtask
