// The explainer: one case per verdict it can give, and the cases where it must not blame.
#include "explain.hpp"

#include <gtest/gtest.h>

namespace hungtask {
namespace {

Victim victim(int64_t pid, const char* comm) {
    Victim v;
    v.pid = pid;
    v.comm = comm;
    v.state = "D";
    return v;
}

Incident starvation_incident() {
    Incident in;
    in.victims.push_back(victim(1, "systemd"));
    Hop f{"flush_work",
          true,
          {{"pool_cpu", 3},
           {"target_function", "css_killed_work_fn"},
           {"target_module", nullptr},
           {"target_state", "pending"}}};
    Hop w{"worker",
          true,
          {{"task",
            {{"pid", 40}, {"comm", "kworker/3:2"}, {"state", "R"}, {"queued_ns", 1038000000000}}}}};
    Hop c{"cpu",
          true,
          {{"cpu", 3},
           {"hog",
            {{"pid", 900},
             {"comm", "lo_poll"},
             {"function", "lo_poll"},
             {"module", "lo_vendor"},
             {"since_arrival_ns", 1038000000000},
             {"nvcsw", 1}}},
           {"hog_stack", Json::array({"lo_poll+0x5e/0x7f [lo_vendor]"})}}};
    in.chain = {f, w, c};
    return in;
}

TEST(Explain, RunqueueStarvationBlamesTheHolderAndItsModule) {
    Verdict v = explain_verdict(starvation_incident());
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->pid, 900);
    EXPECT_EQ(v.culprit->comm, "lo_poll");
    EXPECT_EQ(v.culprit->function, "lo_poll");
    EXPECT_EQ(v.culprit->module, "lo_vendor");
    EXPECT_NE(v.summary.find("CPU 3 is held by lo_poll (pid 900)"), std::string::npos) << v.summary;
    EXPECT_NE(v.summary.find("1 voluntary switch"), std::string::npos) << v.summary;
    EXPECT_NE(v.summary.find("Root cause: lo_vendor"), std::string::npos) << v.summary;
}

TEST(Explain, VictimModuleIsNamedAsVictim) {
    Incident in = starvation_incident();
    in.chain[0].fields["target_module"] = "acme_drv";
    Verdict v = explain_verdict(in);
    EXPECT_NE(v.summary.find("acme_drv is a victim, not the cause"), std::string::npos)
        << v.summary;
}

TEST(Explain, UserSpaceHogHasNoModule) {
    Incident in = starvation_incident();
    in.chain[2].fields["hog"] = {
        {"pid", 77},         {"comm", "spin"},        {"function", nullptr},
        {"module", nullptr}, {"since_arrival_ns", 5}, {"nvcsw", 0}};
    in.chain[2].fields["hog_stack"] = Json::array();
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->comm, "spin");
    EXPECT_FALSE(v.culprit->module);
    EXPECT_EQ(v.summary.find("Root cause"), std::string::npos) << v.summary;
}

TEST(Explain, AnUnverifiedHopMeansNoCulprit) {
    Incident in = starvation_incident();
    in.chain[1].verified = false;
    in.chain[1].fields["reason"] = "no worker of the pool is runnable; showing a member";
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_NE(v.summary.find("no worker of the pool is runnable"), std::string::npos) << v.summary;
}

TEST(Explain, NoChainIsUnknown) {
    Incident in;
    in.victims.push_back(victim(24, "kworker/0:1"));
    in.victims[0].stack = {"__wait_rcu_gp+0x12b/0x140", "synchronize_rcu+0x71/0xb0",
                           "do_free_init+0x15/0x50"};
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_NE(v.summary.find("kworker/0:1 (pid 24) is blocked in"), std::string::npos) << v.summary;
    EXPECT_NE(v.summary.find("no cause is proven"), std::string::npos) << v.summary;
}

TEST(Explain, ARunningTargetThatSleepsIsNotBlamedOnAnyone) {
    Incident in;
    in.victims.push_back(victim(5, "acme-kick"));
    in.chain = {
        Hop{"flush_work",
            true,
            {{"target_function", "acme_sync_work"},
             {"target_module", "acme_drv"},
             {"target_state", "running"}}},
        Hop{"worker", true, {{"task", {{"pid", 28}, {"comm", "kworker/1:1"}, {"state", "D"}}}}}};
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_NE(v.summary.find("kworker/1:1 (pid 28) in state D"), std::string::npos) << v.summary;
}

TEST(Explain, HostImplications) {
    Host h;
    h.watchdog = 0;
    h.preemption = "none";
    auto lines = host_implications(h);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("kernel.watchdog=0"), std::string::npos);
    EXPECT_NE(lines[1].find("preempt=none"), std::string::npos);
    EXPECT_TRUE(host_implications(Host{}).empty());
}

}  // namespace
}  // namespace hungtask
