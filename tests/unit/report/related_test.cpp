#include "report/related.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "report/report.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::hop;
using test::make_victim;

Incident with_chain(std::string id, std::optional<std::string> boot, std::vector<Hop> chain) {
    Incident in;
    in.id = std::move(id);
    in.boot_id = std::move(boot);
    in.victims.push_back(make_victim(100, "victim"));
    in.chain = std::move(chain);
    return in;
}

Hop cpu_hog(int64_t pid, const char* comm) {
    return hop("cpu", true, {{"cpu", 1}, {"hog", {{"pid", pid}, {"comm", comm}}}});
}

// The demo's two victims of one CPU hog (a flush_work victim and an RCU victim) end in the
// same task: linked both ways.  Another boot's incident with the same pid is not.
TEST(Related, SameCulpritTaskInOneBootIsLinked) {
    std::vector<Incident> v{
        with_chain("b1-1", "b1",
                   {hop("flush_work", true, {{"target", "ffff1"}}),
                    hop("worker", true, {{"task", {{"pid", 40}, {"comm", "kworker/1:1"}}}}),
                    cpu_hog(77, "lo_poll")}),
        with_chain("b1-2", "b1", {hop("rcu", false, {{"gp_seq", 12}}), cpu_hog(77, "lo_poll")}),
        with_chain("b2-1", "b2", {cpu_hog(77, "lo_poll")}),
        with_chain("b1-3", "b1", {cpu_hog(78, "other")}),
    };
    link_related(v);
    EXPECT_EQ(v[0].related, std::vector<std::string>{"b1-2"});
    EXPECT_EQ(v[1].related, std::vector<std::string>{"b1-1"});
    EXPECT_TRUE(v[2].related.empty());
    EXPECT_TRUE(v[3].related.empty());
}

// Same pid, other comm: another task (pid reuse), not linked.  Same hop target (one work
// item flushed by two victims) is linked only when both hops are verified; a proven
// culprit without a chain is linked.
TEST(Related, TargetsAndCulpritsLinkPidReuseDoesNot) {
    Incident culprit_only = with_chain("b1-4", "b1", {});
    culprit_only.verdict.culprit = Culprit{77, "lo_poll", "lo_poll", "lo_vendor"};
    std::vector<Incident> v{
        with_chain("b1-1", "b1", {cpu_hog(77, "lo_poll")}),
        with_chain("b1-2", "b1", {cpu_hog(77, "bash")}),
        with_chain("b1-5", "b1", {hop("flush_work", true, {{"target", "ffff8880abcd0000"}})}),
        with_chain("b1-6", "b1", {hop("flush_work", true, {{"target", "ffff8880abcd0000"}})}),
        culprit_only,
        with_chain("n-1", std::nullopt, {cpu_hog(77, "lo_poll")}),
        with_chain("n-2", std::nullopt, {cpu_hog(77, "lo_poll")}),
    };
    link_related(v);
    EXPECT_EQ(v[0].related, std::vector<std::string>{"b1-4"});
    EXPECT_TRUE(v[1].related.empty());
    EXPECT_EQ(v[2].related, std::vector<std::string>{"b1-6"});
    EXPECT_EQ(v[3].related, std::vector<std::string>{"b1-5"});
    EXPECT_EQ(v[4].related, std::vector<std::string>{"b1-1"});
    EXPECT_TRUE(v[5].related.empty()) << "no boot id: nothing says they are of one boot";
    EXPECT_TRUE(v[6].related.empty());
}

// Two victims of one mutex owner are linked; an unverified last hop is no evidence of a
// shared cause and links nothing.
TEST(Related, MutexOwnerLinksUnverifiedHopsDoNot) {
    auto owner = [](bool verified) {
        return hop("mutex", verified,
                   {{"lock_sym", "cfg_lock"}, {"owner", {{"pid", 50}, {"comm", "holder"}}}});
    };
    std::vector<Incident> v{
        with_chain("b1-1", "b1", {owner(true)}),
        with_chain("b1-2", "b1", {owner(true)}),
        with_chain("b1-3", "b1", {owner(false)}),
        with_chain("b1-4", "b1", {hop("flush_work", false, {{"target", "ffff1"}})}),
        with_chain("b1-5", "b1", {hop("flush_work", false, {{"target", "ffff1"}})}),
    };
    link_related(v);
    EXPECT_EQ(v[0].related, std::vector<std::string>{"b1-2"});
    EXPECT_EQ(v[1].related, std::vector<std::string>{"b1-1"});
    EXPECT_TRUE(v[2].related.empty());
    EXPECT_TRUE(v[3].related.empty());
    EXPECT_TRUE(v[4].related.empty());
}

// A kind this version does not know still links by its target or owner task.
TEST(Related, UnknownKindsLinkByTargetOrOwner) {
    std::vector<Incident> v{
        with_chain("b1-1", "b1",
                   {hop("future_lock", true,
                        {{"target", "ffff1"}, {"owner", {{"pid", 9}, {"comm", "x"}}}})}),
        with_chain("b1-2", "b1",
                   {hop("future_lock", true,
                        {{"target", "ffff2"}, {"owner", {{"pid", 9}, {"comm", "x"}}}})}),
        with_chain("b1-3", "b1", {hop("future_lock", true, {{"target", "ffff1"}})}),
    };
    link_related(v);
    EXPECT_EQ(v[0].related, (std::vector<std::string>{"b1-2", "b1-3"}));
    EXPECT_EQ(v[2].related, std::vector<std::string>{"b1-1"});
    EXPECT_EQ(root_cause_keys(v[2]), std::vector<std::string>{"future_lock:target:ffff1"});
}

// A storm of victims of one cause links each to at most kMaxRelated others.
TEST(Related, AStormIsBounded) {
    std::vector<Incident> v;
    for (int i = 0; i < 100; i++)
        v.push_back(with_chain("b1-" + std::to_string(i), "b1", {cpu_hog(77, "lo_poll")}));
    link_related(v);
    for (const auto& in : v)
        EXPECT_EQ(in.related.size(), kMaxRelated);
    EXPECT_EQ(v[0].related.front(), "b1-1");
}

// The JSON carries the link; the text report says it in words.
TEST(Related, JsonCarriesTheLink) {
    Incident in = with_chain("b1-1", "b1", {cpu_hog(77, "lo_poll")});
    in.related = {"b1-2"};
    Json j = to_json(in);
    EXPECT_EQ(j["related"], Json::array({"b1-2"}));
    auto back = incident_from_json(j);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->related, in.related);
}

// The text report says it in words, and shows a newer producer's values as such.
TEST(Related, TextReportSaysSameRootCauseAndShowsUnknowns) {
    Json j = to_json(with_chain("b1-1", "b1", {cpu_hog(77, "lo_poll")}));
    j["trigger"] = "io_stall";
    j["verdict"]["kind"] = "io_wait_on_device";
    j["verdict"]["device"] = "nvme0n1";
    auto in = incident_from_json(j);
    ASSERT_TRUE(in) << in.error().to_string();
    in->related = {"b1-2", "b1-5"};
    std::ostringstream out;
    TextReport(out).write_incident(*in);
    std::string text = out.str();
    EXPECT_NE(text.find("Incident b1-1 (io_stall (unknown to this hungtaskd))"), std::string::npos)
        << text;
    EXPECT_NE(text.find("Verdict:   io_wait_on_device (unknown to this hungtaskd)"),
              std::string::npos);
    EXPECT_NE(text.find("Related:   same root cause as incident b1-2, b1-5\n"), std::string::npos);
    EXPECT_NE(text.find("Unknown:   fields of a newer producer, kept: verdict.device"),
              std::string::npos);
}

}  // namespace
}  // namespace hungtask

namespace hungtask {
namespace {

// The hog sampler's cpu_hog incident (module/hog.c) of the task a later hung task's chain
// ends in is that hang's early warning; a later cpu_hog one, or one of another task, is not.
TEST(Related, EarlierCpuHogIncidentIsTheEarlyWarning) {
    auto at = [](std::string id, uint64_t seq, Trigger t, const char* comm) {
        Incident in = with_chain(std::move(id), "b1", {cpu_hog(77, comm)});
        in.seq = seq;
        in.trigger = t;
        return in;
    };
    std::vector<Incident> v{
        at("b1-1", 1, Trigger::cpu_hog, "lo_poll"), at("b1-3", 3, Trigger::hung_task, "lo_poll"),
        at("b1-4", 4, Trigger::cpu_hog, "lo_poll"), at("b1-5", 5, Trigger::cpu_hog, "other")};
    link_related(v);
    EXPECT_EQ(v[1].related, (std::vector<std::string>{"b1-1", "b1-4"}));
    EXPECT_EQ(v[1].early_warnings, std::vector<std::string>{"b1-1"});
    EXPECT_TRUE(v[0].early_warnings.empty());
    std::ostringstream out;
    TextReport(out).write_incident(v[1]);
    EXPECT_NE(out.str().find("early warning: cpu_hog incident b1-1"), std::string::npos)
        << out.str();
}

}  // namespace
}  // namespace hungtask
